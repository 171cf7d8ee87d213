package mirror

import (
	"bufio"
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"strconv"

	"github.com/hdt3213/rdb/lzf"
)

// The RDB decoder returns a hash as a Go map, which loses the order of a
// listpack (Redis answers HGETALL of a small hash in insertion order). The
// loader therefore taps the bytes the decoder reads and, for each hash,
// reads its fields' order from the object's own bytes: a listpack or a
// ziplist (small hashes) or the plain encoding's pairs, in the order Redis
// wrote them. Anything it cannot read leaves the order unknown, and the
// fields go in byte order; the decoder's map stays the source of truth.

// tapMax bounds the bytes kept for one object (a bigger one is no small
// hash); tapKeep, more than the readers above the tap read ahead, is what
// is kept of them.
const (
	tapMax  = 16 << 20
	tapKeep = 256 << 10
)

// rdbTap keeps the stream bytes the decoder has not finished with.
type rdbTap struct {
	raw      []byte     // raw[start:] are the stream bytes from offset base on
	start    int        //
	base     int64      //
	total    int64      // stream bytes seen
	ahead    func() int // bytes read from the tap but not yet by the decoder
	overflow bool       // raw lost the start of the current object
}

// write keeps p; the bytes take returned last are dropped now (the
// decoder reads only after its callback returned).
func (tp *rdbTap) write(p []byte) {
	tp.total += int64(len(p))
	if tp.start > 0 && tp.start >= len(tp.raw)/2 {
		tp.raw = append(tp.raw[:0], tp.raw[tp.start:]...)
		tp.start = 0
	}
	tp.raw = append(tp.raw, p...)
	if len(tp.raw)-tp.start > tapMax {
		cut := len(tp.raw) - tapKeep
		tp.base += int64(cut - tp.start)
		tp.raw = append(tp.raw[:0], tp.raw[cut:]...)
		tp.start, tp.overflow = 0, true
	}
}

// take returns the bytes the decoder consumed since the last take (nil
// when they were not kept), valid until the next write.
func (tp *rdbTap) take() []byte {
	end := tp.total - int64(tp.ahead())
	n := end - tp.base
	var obj []byte
	if n >= 0 && n <= int64(len(tp.raw)-tp.start) {
		if !tp.overflow {
			obj = tp.raw[tp.start : tp.start+int(n)]
		}
		tp.start += int(n)
	} else { // lost track (never seen): the bytes after end end raw
		tp.start = max(0, len(tp.raw)-int(tp.total-end))
	}
	tp.base, tp.overflow = end, false
	return obj
}

var errRDBOrder = errors.New("rdb order: unreadable")

// rdbCursor reads an object's bytes.
type rdbCursor struct {
	b []byte
	i int
}

func (c *rdbCursor) bytes(n int) []byte {
	if n < 0 || c.i+n > len(c.b) {
		panic(errRDBOrder)
	}
	c.i += n
	return c.b[c.i-n : c.i]
}

func (c *rdbCursor) byte() byte { return c.bytes(1)[0] }

// length reads an RDB length; special reports an encoded string's format.
func (c *rdbCursor) length() (n uint64, special bool) {
	b := c.byte()
	switch b >> 6 {
	case 0:
		return uint64(b & 0x3f), false
	case 1:
		return uint64(b&0x3f)<<8 | uint64(c.byte()), false
	case 3:
		return uint64(b & 0x3f), true
	}
	switch b {
	case 0x80:
		return uint64(binary.BigEndian.Uint32(c.bytes(4))), false
	case 0x81:
		return binary.BigEndian.Uint64(c.bytes(8)), false
	}
	panic(errRDBOrder)
}

// str reads an RDB string: plain, an integer or LZF-compressed.
func (c *rdbCursor) str() []byte {
	n, special := c.length()
	if !special {
		return c.bytes(int(n))
	}
	switch n {
	case 0:
		return strconv.AppendInt(nil, int64(int8(c.byte())), 10)
	case 1:
		return strconv.AppendInt(nil, int64(int16(binary.LittleEndian.Uint16(c.bytes(2)))), 10)
	case 2:
		return strconv.AppendInt(nil, int64(int32(binary.LittleEndian.Uint32(c.bytes(4)))), 10)
	case 3:
		clen, _ := c.length()
		ulen, _ := c.length()
		in := c.bytes(int(clen))
		out, err := lzf.Decompress(in, len(in), int(ulen))
		if err != nil {
			panic(errRDBOrder)
		}
		return out
	}
	panic(errRDBOrder)
}

// hashOrder returns the fields of the hash object whose bytes (with the
// opcodes before it, and the file's header before the first) are b, in the
// order Redis wrote them; nil when it cannot tell.
func hashOrder(b []byte) (fields []string) {
	defer func() {
		if r := recover(); r != nil {
			fields = nil // a format it does not know: byte order then
		}
	}()
	c := &rdbCursor{b: b}
	if len(b) >= 9 && string(b[:5]) == "REDIS" {
		c.i = 9
	}
	typ := c.skipOpcodes()
	c.str() // the key
	switch typ {
	case 4: // plain: pairs in the order of Redis's table, which a small one loads in
		n, _ := c.length()
		for range n {
			fields = append(fields, string(c.str()))
			c.str()
		}
		return fields
	case 13:
		return everyOther(ziplist(c.str()))
	case 16:
		return everyOther(listpack(c.str()))
	}
	return nil
}

// skipOpcodes passes the opcodes before an object and returns its type.
func (c *rdbCursor) skipOpcodes() byte {
	for {
		switch op := c.byte(); op {
		case 0xfa: // aux
			c.str()
			c.str()
		case 0xfe, 0xf8: // select db, idle
			c.length()
		case 0xfb: // resize db
			c.length()
			c.length()
		case 0xfd:
			c.bytes(4)
		case 0xfc:
			c.bytes(8)
		case 0xf9: // freq
			c.byte()
		case 0xf5: // function
			c.str()
		default:
			if op >= 0xf0 {
				panic(errRDBOrder)
			}
			return op
		}
	}
}

func everyOther(entries []string) []string {
	var out []string
	for i := 0; i+1 < len(entries); i += 2 {
		out = append(out, entries[i])
	}
	return out
}

// tapRDB starts keeping the bytes of the RDB that r (the reader rdbReader
// returned) will give the decoder: those l.br holds already, and those
// read from the connection from now on. The caller clears l.dr.tap.
func (l *link) tapRDB(r *bufio.Reader) *rdbTap {
	tp := &rdbTap{ahead: func() int {
		n := l.br.Buffered()
		if r != l.br {
			n += r.Buffered()
		}
		return n
	}}
	pre, _ := l.br.Peek(l.br.Buffered())
	tp.write(pre)
	l.dr.tap = tp
	return tp
}

// fieldOrder returns the fields of h in order when order names exactly
// them, else in byte order (the same from one sync to the next).
func fieldOrder(h map[string][]byte, order []string) []string {
	if len(order) == len(h) {
		seen := make(map[string]bool, len(order))
		for _, f := range order {
			if _, ok := h[f]; !ok || seen[f] {
				return slices.Sorted(maps.Keys(h))
			}
			seen[f] = true
		}
		return order
	}
	return slices.Sorted(maps.Keys(h))
}
