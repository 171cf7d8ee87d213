package resp

import (
	"math/bits"
)

// SETBIT, GETBIT, BITCOUNT and BITPOS over string values, as Redis 7.0's
// bitops.c: bit 0 is the most significant bit of the first byte.

var errBitOffset = rerr("ERR bit offset is not an integer or out of range")

// bitOffset parses an offset; the byte it falls in must be inside the
// longest string the server accepts (proto-max-bulk-len).
func bitOffset(c *call, b []byte) (int64, error) {
	n, ok := parseInt(b)
	if !ok || n < 0 || n>>3 >= int64(c.s.opt.MaxBulk) {
		return 0, errBitOffset
	}
	return n, nil
}

func cmdSetBit(c *call) error {
	off, err := bitOffset(c, c.args[2])
	if err != nil {
		return err
	}
	if a := c.args[3]; len(a) != 1 || (a[0] != '0' && a[0] != '1') {
		return rerr("ERR bit is not an integer or out of range")
	}
	v, _, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	i := int(off >> 3)
	nv := make([]byte, max(len(v), i+1))
	copy(nv, v)
	mask := byte(0x80) >> (off & 7)
	old := nv[i]&mask != 0
	if c.args[3][0] == '1' {
		nv[i] |= mask
	} else {
		nv[i] &^= mask
	}
	if err := c.tx.SetString(c.db(), c.args[1], nv, 0, true); err != nil {
		return err
	}
	c.w.bool(old)
	return nil
}

func cmdGetBit(c *call) error {
	off, err := bitOffset(c, c.args[2])
	if err != nil {
		return err
	}
	v, _, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil {
		return err
	}
	i := off >> 3
	c.w.bool(i < int64(len(v)) && v[i]&(0x80>>(off&7)) != 0)
	return nil
}

// bitRange turns start and end (bytes, or bits with BIT; negative from the
// end) into a range of bits of a string of n bytes; first > last when empty.
func bitRange(start, end int64, isBit bool, n int64) (first, last int64) {
	total := n
	if isBit {
		total = n * 8
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	if end >= total {
		end = total - 1
	}
	if start > end {
		return 1, 0 // empty; also keeps start*8 from overflowing
	}
	if isBit {
		return start, end
	}
	return start * 8, end*8 + 7
}

// bitRangeArgs parses "start end [BYTE|BIT]" at c.args[at:].
func bitRangeArgs(c *call, at int) (start, end int64, isBit bool, err error) {
	if start, err = intArg(c.args[at]); err != nil {
		return
	}
	if end, err = intArg(c.args[at+1]); err != nil {
		return
	}
	if len(c.args) > at+2 {
		switch {
		case eq(c.args[at+2], "bit"):
			isBit = true
		case !eq(c.args[at+2], "byte"):
			err = errSyntax
		}
	}
	return
}

func cmdBitCount(c *call) error {
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil || !ok {
		c.w.int(0)
		return err
	}
	first, last := int64(0), int64(len(v))*8-1
	switch len(c.args) {
	case 2:
	case 4, 5:
		start, end, isBit, err := bitRangeArgs(c, 2)
		if err != nil {
			return err
		}
		if start < 0 && end < 0 && start > end {
			c.w.int(0) // Redis 7.0 answers before clamping both to 0
			return nil
		}
		first, last = bitRange(start, end, isBit, int64(len(v)))
	default:
		return errSyntax
	}
	n := int64(0)
	for p := first; p <= last; {
		if p&7 == 0 && p+7 <= last {
			n += int64(bits.OnesCount8(v[p>>3]))
			p += 8
			continue
		}
		if v[p>>3]&(0x80>>(p&7)) != 0 {
			n++
		}
		p++
	}
	c.w.int(n)
	return nil
}

// cmdBitPos: BITPOS key bit [start [end [BYTE|BIT]]]. A missing key is an
// endless run of zeros; looking for a 0 past a string's end finds the first
// bit after it, unless the end was given.
func cmdBitPos(c *call) error {
	bit, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	if bit != 0 && bit != 1 {
		return rerr("ERR The bit argument must be 1 or 0.")
	}
	v, ok, err := c.tx.GetString(c.db(), c.args[1])
	if err != nil || !ok {
		c.w.int(-bit)
		return err
	}
	n := int64(len(v))
	first, last, endGiven := int64(0), n*8-1, false
	switch len(c.args) {
	case 3:
	case 4:
		start, err := intArg(c.args[3])
		if err != nil {
			return err
		}
		first, last = bitRange(start, -1, false, n)
	case 5, 6:
		start, end, isBit, err := bitRangeArgs(c, 3)
		if err != nil {
			return err
		}
		first, last = bitRange(start, end, isBit, n)
		endGiven = true
	default:
		return errSyntax
	}
	c.w.int(bitPos(v, first, last, bit == 1, endGiven))
	return nil
}

func bitPos(v []byte, first, last int64, one, endGiven bool) int64 {
	if first > last {
		return -1
	}
	skip := byte(0)
	if !one {
		skip = 0xff
	}
	for p := first; p <= last; {
		if p&7 == 0 && p+7 <= last && v[p>>3] == skip {
			p += 8
			continue
		}
		if (v[p>>3]&(0x80>>(p&7)) != 0) == one {
			return p
		}
		p++
	}
	if one || endGiven {
		return -1
	}
	return last + 1
}
