package rdb

import (
	"encoding/binary"
	"strconv"
)

// A listpack is a 4-byte total size and a 2-byte count (65535: not known),
// both little endian, the entries, and an end byte 0xff. An entry is its
// encoding and data, then its own length written backwards in 7-bit groups
// ("backlen"), so that the list can be walked from the tail.
const (
	lpHeader     = 6
	lpEnd        = 0xff
	countUnknown = 65535
)

// readListpack returns the entries of the listpack p, integers as decimal
// text, after checking its size, every entry's backlen, the end byte and
// the count.
func readListpack(p []byte) ([][]byte, error) {
	if len(p) < lpHeader+1 || binary.LittleEndian.Uint32(p) != uint32(len(p)) || p[len(p)-1] != lpEnd {
		return nil, errFormat("bad listpack header")
	}
	want := int(binary.LittleEndian.Uint16(p[4:]))
	var out [][]byte
	for i := lpHeader; i < len(p)-1; {
		v, n, err := lpEntry(p[i : len(p)-1])
		if err != nil {
			return nil, err
		}
		back := backlen(n)
		if i+n+len(back) > len(p)-1 || string(p[i+n:i+n+len(back)]) != string(back) {
			return nil, errFormat("bad listpack backlen")
		}
		out = append(out, v)
		i += n + len(back)
	}
	if want != countUnknown && want != len(out) {
		return nil, errFormat("listpack count mismatch")
	}
	return out, nil
}

// lpEntry decodes the entry at the start of p and returns its value and the
// length of its encoding and data.
func lpEntry(p []byte) ([]byte, int, error) {
	b := p[0]
	var size, hdr int
	switch {
	case b < 0x80: // 7-bit unsigned integer
		return strconv.AppendInt(nil, int64(b), 10), 1, nil
	case b < 0xc0: // string of up to 63 bytes
		size, hdr = int(b&0x3f), 1
	case b < 0xe0: // 13-bit signed integer
		if len(p) < 2 {
			return nil, 0, errFormat("truncated listpack entry")
		}
		v := int64(b&0x1f)<<8 | int64(p[1])
		if v >= 1<<12 {
			v -= 1 << 13
		}
		return strconv.AppendInt(nil, v, 10), 2, nil
	case b < 0xf0: // string of up to 4095 bytes
		if len(p) < 2 {
			return nil, 0, errFormat("truncated listpack entry")
		}
		size, hdr = int(b&0x0f)<<8|int(p[1]), 2
	case b == 0xf0: // string with a 32-bit length
		if len(p) < 5 {
			return nil, 0, errFormat("truncated listpack entry")
		}
		size, hdr = int(binary.LittleEndian.Uint32(p[1:])), 5
	case b <= 0xf4: // 16, 24, 32 or 64-bit integer
		return lpInt(p)
	default:
		return nil, 0, errFormat("bad listpack encoding")
	}
	if size > len(p)-hdr {
		return nil, 0, errFormat("listpack string past the end")
	}
	return p[hdr : hdr+size], hdr + size, nil
}

// lpInt decodes the 0xf1-0xf4 integers, little endian.
func lpInt(p []byte) ([]byte, int, error) {
	width := map[byte]int{0xf1: 2, 0xf2: 3, 0xf3: 4, 0xf4: 8}[p[0]]
	if len(p) < 1+width {
		return nil, 0, errFormat("truncated listpack integer")
	}
	return strconv.AppendInt(nil, leInt(p[1:1+width]), 10), 1 + width, nil
}

// leInt sign-extends the little-endian integer p (1 to 8 bytes).
func leInt(p []byte) int64 {
	var u uint64
	for i := len(p) - 1; i >= 0; i-- {
		u = u<<8 | uint64(p[i])
	}
	shift := 64 - 8*len(p)
	return int64(u<<shift) >> shift
}

// backlen is the listpack's backward length of an entry of n bytes: the
// first byte holds the highest 7-bit group, the next ones the lower groups
// with the top bit set. The byte counts follow Redis's thresholds exactly
// (16383 takes three bytes), since a reader walking forward relies on them.
func backlen(n int) []byte {
	var size int
	switch {
	case n <= 127:
		size = 1
	case n < 16383:
		size = 2
	case n < 2097151:
		size = 3
	case n < 268435455:
		size = 4
	default:
		size = 5
	}
	out := make([]byte, size)
	for i := size - 1; i >= 0; i-- {
		out[i] = byte(n&127) | 128
		n >>= 7
	}
	out[0] &= 127
	return out
}

// writeListpack encodes elems as a listpack, integers in their short forms.
func writeListpack(elems [][]byte) []byte {
	p := make([]byte, lpHeader, 64)
	for _, e := range elems {
		start := len(p)
		p = lpAppendEntry(p, e)
		p = append(p, backlen(len(p)-start)...)
	}
	p = append(p, lpEnd)
	binary.LittleEndian.PutUint32(p, uint32(len(p)))
	binary.LittleEndian.PutUint16(p[4:], uint16(min(len(elems), countUnknown)))
	return p
}

// lpAppendEntry appends e's encoding and data (without backlen).
func lpAppendEntry(p, e []byte) []byte {
	if v, ok := canonicalInt(e); ok {
		switch {
		case v >= 0 && v <= 127:
			return append(p, byte(v))
		case v >= -4096 && v <= 4095:
			u := uint16(v) & 0x1fff
			return append(p, 0xc0|byte(u>>8), byte(u))
		}
		for _, w := range []struct {
			code  byte
			width int
		}{{0xf1, 2}, {0xf2, 3}, {0xf3, 4}, {0xf4, 8}} {
			if lim := int64(1) << (8*w.width - 1); w.width == 8 || (v >= -lim && v < lim) {
				p = append(p, w.code)
				return binary.LittleEndian.AppendUint64(p, uint64(v))[:len(p)+w.width]
			}
		}
	}
	switch n := len(e); {
	case n < 64:
		p = append(p, 0x80|byte(n))
	case n < 4096:
		p = append(p, 0xe0|byte(n>>8), byte(n))
	default:
		p = binary.LittleEndian.AppendUint32(append(p, 0xf0), uint32(n))
	}
	return append(p, e...)
}

// canonicalInt parses e as Redis's string2ll does: the text of an int64 as
// it would print it (no '+', no leading zeros, no "-0").
func canonicalInt(e []byte) (int64, bool) {
	if len(e) == 0 || len(e) > 20 {
		return 0, false
	}
	v, err := strconv.ParseInt(string(e), 10, 64)
	if err != nil || string(strconv.AppendInt(nil, v, 10)) != string(e) {
		return 0, false
	}
	return v, true
}
