package mirror

import (
	"encoding/binary"
	"strconv"
)

// listpack returns the entries of a listpack as strings (integers in
// decimal), as Redis's listpack.c lays them out: a 6-byte header, entries
// of encoding, data and a back length, and 0xff.
func listpack(b []byte) []string {
	c := &rdbCursor{b: b}
	c.bytes(6)
	var out []string
	for {
		start := c.i
		e := c.byte()
		var s string
		switch {
		case e == 0xff:
			return out
		case e < 0x80:
			s = strconv.Itoa(int(e))
		case e < 0xc0:
			s = string(c.bytes(int(e & 0x3f)))
		case e < 0xe0:
			v := int64(e&0x1f)<<8 | int64(c.byte())
			s = strconv.FormatInt(v<<51>>51, 10) // 13-bit two's complement
		case e < 0xf0:
			s = string(c.bytes(int(e&0x0f)<<8 | int(c.byte())))
		case e == 0xf0:
			s = string(c.bytes(int(binary.LittleEndian.Uint32(c.bytes(4)))))
		case e >= 0xf1 && e <= 0xf4:
			s = strconv.FormatInt(leInt(c.bytes([]int{2, 3, 4, 8}[e-0xf1])), 10)
		default:
			panic(errRDBOrder)
		}
		c.bytes(backLen(c.i - start))
		out = append(out, s)
	}
}

// backLen is the size of a listpack entry's back length for an entry of n
// bytes.
func backLen(n int) int {
	switch {
	case n < 128:
		return 1
	case n < 16384:
		return 2
	case n < 2097152:
		return 3
	case n < 268435456:
		return 4
	}
	return 5
}

// leInt reads a little-endian two's-complement integer of len(b) bytes.
func leInt(b []byte) int64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	shift := 64 - 8*len(b)
	return int64(v<<shift) >> shift
}

// ziplist returns the entries of a ziplist (Redis before 7.0): a 10-byte
// header, entries of previous length, encoding and data, and 0xff.
func ziplist(b []byte) []string {
	c := &rdbCursor{b: b}
	c.bytes(10)
	var out []string
	for {
		if p := c.byte(); p == 0xff {
			return out
		} else if p == 0xfe {
			c.bytes(4)
		}
		e := c.byte()
		var s string
		switch {
		case e>>6 == 0:
			s = string(c.bytes(int(e & 0x3f)))
		case e>>6 == 1:
			s = string(c.bytes(int(e&0x3f)<<8 | int(c.byte())))
		case e == 0x80:
			s = string(c.bytes(int(binary.BigEndian.Uint32(c.bytes(4)))))
		case e == 0xc0:
			s = strconv.FormatInt(leInt(c.bytes(2)), 10)
		case e == 0xd0:
			s = strconv.FormatInt(leInt(c.bytes(4)), 10)
		case e == 0xe0:
			s = strconv.FormatInt(leInt(c.bytes(8)), 10)
		case e == 0xf0:
			s = strconv.FormatInt(leInt(c.bytes(3)), 10)
		case e == 0xfe:
			s = strconv.FormatInt(leInt(c.bytes(1)), 10)
		case e >= 0xf1 && e <= 0xfd:
			s = strconv.Itoa(int(e&0x0f) - 1)
		default:
			panic(errRDBOrder)
		}
		out = append(out, s)
	}
}
