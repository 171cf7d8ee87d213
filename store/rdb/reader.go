package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
)

// reader reads RDB primitives from a payload. Every length is checked
// against the bytes left before anything is allocated; max bounds what the
// LZF strings of one payload may expand to, together.
type reader struct {
	b   []byte
	pos int
	max int
}

func (r *reader) left() int { return len(r.b) - r.pos }

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errFormat("truncated")
	}
	r.pos++
	return r.b[r.pos-1], nil
}

func (r *reader) take(n uint64) ([]byte, error) {
	if n > uint64(r.left()) {
		return nil, errFormat("length past the end")
	}
	p := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return p, nil
}

// length reads a length; encoded reports the special forms (11xxxxxx), whose
// low six bits are returned as the length.
func (r *reader) length() (n uint64, encoded bool, err error) {
	b, err := r.byte()
	if err != nil {
		return 0, false, err
	}
	switch b >> 6 {
	case 0:
		return uint64(b & 0x3f), false, nil
	case 1:
		lo, err := r.byte()
		return uint64(b&0x3f)<<8 | uint64(lo), false, err
	case 3:
		return uint64(b & 0x3f), true, nil
	}
	switch b {
	case 0x80:
		p, err := r.take(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(p)), false, nil
	case 0x81:
		p, err := r.take(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(p), false, nil
	}
	return 0, false, errFormat("unknown length encoding")
}

// count reads the number of items of a collection, each at least min bytes,
// so that a count the payload cannot hold is refused before allocating.
func (r *reader) count(min int) (int, error) {
	n, enc, err := r.length()
	switch {
	case err != nil:
		return 0, err
	case enc:
		return 0, errFormat("encoded count")
	case n == 0:
		return 0, errFormat("empty collection")
	case n > uint64(r.left()/min):
		return 0, errFormat("count past the end")
	}
	return int(n), nil
}

// string reads a string: plain, an integer (8, 16 or 32 bits) or LZF.
func (r *reader) string() ([]byte, error) {
	n, enc, err := r.length()
	if err != nil || !enc {
		if err != nil {
			return nil, err
		}
		return r.take(n)
	}
	switch n {
	case 0, 1, 2:
		p, err := r.take(1 << n)
		if err != nil {
			return nil, err
		}
		var v int64
		switch n {
		case 0:
			v = int64(int8(p[0]))
		case 1:
			v = int64(int16(binary.LittleEndian.Uint16(p)))
		default:
			v = int64(int32(binary.LittleEndian.Uint32(p)))
		}
		return strconv.AppendInt(nil, v, 10), nil
	case 3:
		return r.lzf()
	}
	return nil, errFormat("unknown string encoding")
}

// lzfMaxRatio bounds how much LZF can expand its input: a three-byte back
// reference yields at most 264 bytes.
const lzfMaxRatio = 88

func (r *reader) lzf() ([]byte, error) {
	clen, enc1, err := r.length()
	if err != nil {
		return nil, err
	}
	ulen, enc2, err := r.length()
	if err != nil {
		return nil, err
	}
	if enc1 || enc2 || clen > uint64(r.left()) || ulen > clen*lzfMaxRatio || ulen > uint64(r.max) {
		return nil, errFormat("bad lzf lengths")
	}
	r.max -= int(ulen)
	in, err := r.take(clen)
	if err != nil {
		return nil, err
	}
	return lzfExpand(in, int(ulen))
}

// textScore reads a score of the old ZSET type: a length byte (253 NaN, 254
// +inf, 255 -inf) and the decimal text.
func (r *reader) textScore() (float64, error) {
	n, err := r.byte()
	if err != nil {
		return 0, err
	}
	switch n {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	p, err := r.take(uint64(n))
	if err != nil {
		return 0, err
	}
	return parseScore(p)
}

// binaryScore reads a score of ZSET_2: a little-endian float64.
func (r *reader) binaryScore() (float64, error) {
	p, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(p)), nil
}

// parseScore parses a score written as text, as strtod does (inf, -inf).
func parseScore(p []byte) (float64, error) {
	f, err := strconv.ParseFloat(string(p), 64)
	if err != nil && !isRange(err) {
		return 0, errFormat("bad score")
	}
	return f, nil
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// lzfExpand decompresses in, which must expand to exactly n bytes. LZF is a
// sequence of literal runs (a control byte below 32 says how many bytes
// follow, minus one) and back references (the top three bits of the control
// byte are the length minus two, 7 meaning a length byte follows; the low
// five bits and the next byte are the distance minus one).
func lzfExpand(in []byte, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	for i := 0; i < len(in); {
		ctrl := int(in[i])
		i++
		if ctrl < 32 {
			run := ctrl + 1
			if i+run > len(in) || len(out)+run > n {
				return nil, errFormat("lzf literal past the end")
			}
			out = append(out, in[i:i+run]...)
			i += run
			continue
		}
		length := ctrl >> 5
		if length == 7 {
			if i >= len(in) {
				return nil, errFormat("lzf truncated length")
			}
			length += int(in[i])
			i++
		}
		if i >= len(in) {
			return nil, errFormat("lzf truncated reference")
		}
		ref := len(out) - (ctrl&0x1f)<<8 - int(in[i]) - 1
		i++
		length += 2
		if ref < 0 || len(out)+length > n {
			return nil, errFormat("lzf reference out of range")
		}
		for k := 0; k < length; k++ { // may overlap what it appends
			out = append(out, out[ref+k])
		}
	}
	if len(out) != n {
		return nil, errFormat("lzf length mismatch")
	}
	return out, nil
}
