package rdb

import (
	"encoding/binary"
	"strconv"
)

// A ziplist (the compact encoding before Redis 7.0) is a 4-byte total size,
// the 4-byte offset of the last entry, a 2-byte count (65535: not known),
// all little endian, the entries and an end byte 0xff. An entry is the
// previous entry's length (one byte below 254, else 254 and four bytes),
// its encoding and its data.
const zlHeader = 10

// readZiplist returns the entries of the ziplist p, integers as decimal
// text, after checking the sizes, every entry's previous length, the offset
// of the last entry, the end byte and the count.
func readZiplist(p []byte) ([][]byte, error) {
	if len(p) < zlHeader+1 || binary.LittleEndian.Uint32(p) != uint32(len(p)) || p[len(p)-1] != 0xff {
		return nil, errFormat("bad ziplist header")
	}
	tail := int(binary.LittleEndian.Uint32(p[4:]))
	want := int(binary.LittleEndian.Uint16(p[8:]))
	var out [][]byte
	last, prev := zlHeader, 0
	for i := zlHeader; i < len(p)-1; {
		n, err := zlPrevLen(p[i:len(p)-1], prev)
		if err != nil {
			return nil, err
		}
		v, size, err := zlEntry(p[i+n : len(p)-1])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		last, prev = i, n+size
		i += n + size
	}
	if tail != last || (want != countUnknown && want != len(out)) {
		return nil, errFormat("ziplist tail or count mismatch")
	}
	return out, nil
}

// zlPrevLen reads an entry's previous length, which must be prev, and
// returns its size.
func zlPrevLen(p []byte, prev int) (int, error) {
	got, n := int(p[0]), 1
	if p[0] == 254 {
		if len(p) < 5 {
			return 0, errFormat("truncated ziplist entry")
		}
		got, n = int(binary.LittleEndian.Uint32(p[1:])), 5
	}
	if p[0] == 255 || got != prev {
		return 0, errFormat("bad ziplist previous length")
	}
	return n, nil
}

// zlEntry decodes an entry's encoding and data at the start of p and
// returns its value and their length.
func zlEntry(p []byte) ([]byte, int, error) {
	if len(p) == 0 {
		return nil, 0, errFormat("truncated ziplist entry")
	}
	b := p[0]
	var size, hdr int
	switch {
	case b < 0x40: // string of up to 63 bytes
		size, hdr = int(b), 1
	case b < 0x80: // up to 16383 bytes, big endian
		if len(p) < 2 {
			return nil, 0, errFormat("truncated ziplist entry")
		}
		size, hdr = int(b&0x3f)<<8|int(p[1]), 2
	case b < 0xc0: // 32-bit length, big endian
		if len(p) < 5 {
			return nil, 0, errFormat("truncated ziplist entry")
		}
		size, hdr = int(binary.BigEndian.Uint32(p[1:])), 5
	case b >= 0xf1 && b <= 0xfd: // 4-bit immediate 0-12
		return strconv.AppendInt(nil, int64(b&0x0f)-1, 10), 1, nil
	default:
		width := map[byte]int{0xc0: 2, 0xd0: 4, 0xe0: 8, 0xf0: 3, 0xfe: 1}[b]
		if width == 0 || len(p) < 1+width {
			return nil, 0, errFormat("bad ziplist integer")
		}
		return strconv.AppendInt(nil, leInt(p[1:1+width]), 10), 1 + width, nil
	}
	if size > len(p)-hdr {
		return nil, 0, errFormat("ziplist string past the end")
	}
	return p[hdr : hdr+size], hdr + size, nil
}

// readIntset returns the members of the intset p: a 4-byte width (2, 4 or
// 8), a 4-byte count, then the integers ascending, all little endian.
func readIntset(p []byte) ([][]byte, error) {
	if len(p) < 8 {
		return nil, errFormat("truncated intset")
	}
	width := int(binary.LittleEndian.Uint32(p))
	n := uint64(binary.LittleEndian.Uint32(p[4:]))
	if (width != 2 && width != 4 && width != 8) || n == 0 || uint64(len(p)-8) != n*uint64(width) {
		return nil, errFormat("bad intset header")
	}
	out := make([][]byte, 0, n)
	for i := 0; i < int(n); i++ {
		v := leInt(p[8+i*width : 8+(i+1)*width])
		if i > 0 && v <= leInt(p[8+(i-1)*width:8+i*width]) {
			return nil, errFormat("intset not ascending")
		}
		out = append(out, strconv.AppendInt(nil, v, 10))
	}
	return out, nil
}

// readZipmap returns the fields and values of the zipmap p (the hash
// encoding before Redis 2.6): a count byte, then for each pair the field's
// length, the field, the value's length, a count of free bytes, the value
// and the free bytes; an end byte 0xff. A length is one byte below 254, or
// 254 and four bytes little endian.
func readZipmap(p []byte) ([][]byte, error) {
	if len(p) < 2 || p[len(p)-1] != 0xff {
		return nil, errFormat("bad zipmap")
	}
	var out [][]byte
	i := 1
	for p[i] != 0xff {
		for k := 0; k < 2; k++ {
			n, hdr, err := zmLen(p[i:])
			if err != nil {
				return nil, err
			}
			i += hdr
			free := 0
			if k == 1 { // the value's free bytes follow its length
				free = int(p[i])
				i++
			}
			if rem := len(p) - 1 - i; rem < 0 || n+free > rem {
				return nil, errFormat("zipmap entry past the end")
			}
			out = append(out, p[i:i+n])
			i += n + free
		}
	}
	if i != len(p)-1 || (p[0] < 254 && int(p[0]) != len(out)/2) {
		return nil, errFormat("zipmap count mismatch")
	}
	return out, nil
}

// zmLen reads a zipmap length; p ends with the end byte, so p[0] exists.
func zmLen(p []byte) (int, int, error) {
	switch {
	case p[0] < 254:
		if len(p) < 2 {
			return 0, 0, errFormat("truncated zipmap")
		}
		return int(p[0]), 1, nil
	case p[0] == 254 && len(p) >= 6:
		return int(binary.LittleEndian.Uint32(p[1:])), 5, nil
	}
	return 0, 0, errFormat("bad zipmap length")
}
