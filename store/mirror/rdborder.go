package mirror

import (
	"bufio"
	"maps"
	"slices"

	"github.com/waqhq/waq/store/rdb"
)

// The RDB decoder returns a hash as a Go map, which loses the order of a
// listpack (Redis answers HGETALL of a small hash in insertion order). The
// loader therefore taps the bytes the decoder reads and, for each hash,
// reads its fields' order from the object's own bytes: a listpack or a
// ziplist (small hashes) or the plain encoding's pairs, in the order Redis
// wrote them (store/rdb reads the object). Anything it cannot read leaves
// the order unknown, and the fields go in byte order; the decoder's map
// stays the source of truth.

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

// hashOrder returns the fields of the hash object whose bytes (with the
// opcodes before it, and the file's header before the first) are b, in the
// order Redis wrote them; nil when it cannot tell. The plain encoding's
// pairs are in the order of Redis's table, which a small one loads in.
func hashOrder(b []byte) []string {
	if len(b) >= 9 && string(b[:5]) == "REDIS" {
		b = b[9:]
	}
	_, v, err := rdb.Object(b, tapMax)
	if err != nil || v.Kind != rdb.Hash {
		return nil // a format it does not know: byte order then
	}
	fields := make([]string, len(v.Pairs))
	for i, p := range v.Pairs {
		fields[i] = string(p[0])
	}
	return fields
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
