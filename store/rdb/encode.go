package rdb

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
)

// Limits are the encoding thresholds of Redis's configuration that decide
// which encoding a value is written in, as Redis 7.0 would have it in
// memory: a listpack for hashes of up to HashEntries fields and sorted sets
// of up to ZSetEntries members with nothing longer than HashValue or
// ZSetValue bytes, an intset for sets of up to SetIntEntries integers, list
// nodes of ListNode entries (positive) or 4 KiB << (-ListNode-1) bytes.
type Limits struct {
	HashEntries, HashValue int64
	ZSetEntries, ZSetValue int64
	SetIntEntries          int64
	ListNode               int64
}

// DefaultLimits are those of a redis-server started without a configuration
// file.
var DefaultLimits = Limits{HashEntries: 512, HashValue: 64, ZSetEntries: 128, ZSetValue: 64, SetIntEntries: 512, ListNode: -2}

// Encode writes v as a DUMP payload of RDB version Version, in the encoding
// Redis 7.0 would choose under lim.
func Encode(v *Value, lim Limits) []byte {
	var w []byte
	switch v.Kind {
	case String:
		w = appendString(append(w, typeString), v.Str)
	case List:
		w = appendQuicklist(append(w, typeListQuicklist2), v.Elems, lim.ListNode)
	case Set:
		w = appendSet(w, v.Elems, lim.SetIntEntries)
	case Hash:
		w = appendHash(w, v.Pairs, lim)
	case ZSet:
		w = appendZSet(w, v.Members, lim)
	case Stream:
		w = appendStream(w, v.Stream)
	}
	w = binary.LittleEndian.AppendUint16(w, Version)
	return binary.LittleEndian.AppendUint64(w, Checksum(w))
}

// appendLength writes an RDB length in the shortest of its forms.
func appendLength(w []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(w, byte(n))
	case n < 1<<14:
		return append(w, 0x40|byte(n>>8), byte(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(w, 0x80), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(w, 0x81), n)
}

// appendString writes s, as an 8, 16 or 32-bit integer when it is the text
// of one, as Redis does (it would also compress strings over 20 bytes with
// LZF; waq does not, which Redis reads the same).
func appendString(w, s []byte) []byte {
	if v, ok := canonicalInt(s); ok && len(s) <= 11 {
		switch {
		case v >= math.MinInt8 && v <= math.MaxInt8:
			return append(w, 0xc0, byte(v))
		case v >= math.MinInt16 && v <= math.MaxInt16:
			return binary.LittleEndian.AppendUint16(append(w, 0xc1), uint16(v))
		case v >= math.MinInt32 && v <= math.MaxInt32:
			return binary.LittleEndian.AppendUint32(append(w, 0xc2), uint32(v))
		}
	}
	return appendBlob(w, s)
}

// appendBlob writes s as a plain string.
func appendBlob(w, s []byte) []byte {
	return append(appendLength(w, uint64(len(s))), s...)
}

// appendQuicklist writes a list as Redis 7.0's quicklist of listpacks, cut
// into nodes by list-max-listpack-size (fill).
func appendQuicklist(w []byte, es [][]byte, fill int64) []byte {
	var nodes [][]byte
	start, size := 0, lpHeader+1
	for i, e := range es {
		n := len(lpAppendEntry(nil, e))
		n += len(backlen(n))
		if i > start && nodeFull(fill, i-start, size+n) {
			nodes = append(nodes, writeListpack(es[start:i]))
			start, size = i, lpHeader+1
		}
		size += n
	}
	nodes = append(nodes, writeListpack(es[start:]))
	w = appendLength(w, uint64(len(nodes)))
	for _, lp := range nodes {
		w = appendBlob(appendLength(w, quicklistNodePacked), lp)
	}
	return w
}

// nodeFull reports whether a node of count entries cannot take one more
// that would make it size bytes.
func nodeFull(fill int64, count, size int) bool {
	if fill > 0 {
		return int64(count) >= fill
	}
	shift := min(max(-fill-1, 0), 4) // -1 … -5: 4 KiB … 64 KiB
	return size > 4096<<shift
}

// appendSet writes an intset when every member is an integer and there are
// at most limit of them, else a plain set.
func appendSet(w []byte, es [][]byte, limit int64) []byte {
	ints := make([]int64, 0, len(es))
	for _, e := range es {
		v, ok := canonicalInt(e)
		if !ok || int64(len(es)) > limit {
			ints = nil
			break
		}
		ints = append(ints, v)
	}
	if ints == nil {
		w = appendLength(append(w, typeSet), uint64(len(es)))
		for _, e := range es {
			w = appendString(w, e)
		}
		return w
	}
	return appendBlob(append(w, typeSetIntset), intset(ints))
}

// intset encodes ints ascending in the narrowest width that holds them all.
func intset(ints []int64) []byte {
	slices.Sort(ints)
	width := 2
	for _, v := range []int64{ints[0], ints[len(ints)-1]} {
		switch {
		case v < math.MinInt32 || v > math.MaxInt32:
			width = 8
		case (v < math.MinInt16 || v > math.MaxInt16) && width < 4:
			width = 4
		}
	}
	p := binary.LittleEndian.AppendUint32(nil, uint32(width))
	p = binary.LittleEndian.AppendUint32(p, uint32(len(ints)))
	for _, v := range ints {
		p = binary.LittleEndian.AppendUint64(p, uint64(v))[:len(p)+width]
	}
	return p
}

// appendHash writes a listpack of fields and values when the hash is small,
// else a plain hash.
func appendHash(w []byte, ps [][2][]byte, lim Limits) []byte {
	small := int64(len(ps)) <= lim.HashEntries
	flat := make([][]byte, 0, 2*len(ps))
	for _, p := range ps {
		small = small && int64(len(p[0])) <= lim.HashValue && int64(len(p[1])) <= lim.HashValue
		flat = append(flat, p[0], p[1])
	}
	if small {
		return appendBlob(append(w, typeHashListpack), writeListpack(flat))
	}
	w = appendLength(append(w, typeHash), uint64(len(ps)))
	for _, e := range flat {
		w = appendString(w, e)
	}
	return w
}

// appendZSet writes a listpack of members and scores, ascending, when the
// set is small, else ZSET_2 from the highest score down, as Redis writes
// its skiplist.
func appendZSet(w []byte, ms []Member, lim Limits) []byte {
	ms = slices.Clone(ms)
	slices.SortStableFunc(ms, func(a, b Member) int {
		if a.Score != b.Score {
			return cmpFloat(a.Score, b.Score)
		}
		return slices.Compare(a.Member, b.Member)
	})
	small := int64(len(ms)) <= lim.ZSetEntries
	flat := make([][]byte, 0, 2*len(ms))
	for _, m := range ms {
		small = small && int64(len(m.Member)) <= lim.ZSetValue
		flat = append(flat, m.Member, scoreText(m.Score))
	}
	if small {
		return appendBlob(append(w, typeZSetListpack), writeListpack(flat))
	}
	w = appendLength(append(w, typeZSet2), uint64(len(ms)))
	for i := len(ms) - 1; i >= 0; i-- {
		w = appendString(w, ms[i].Member)
		w = binary.LittleEndian.AppendUint64(w, math.Float64bits(ms[i].Score))
	}
	return w
}

func cmpFloat(a, b float64) int {
	if a < b {
		return -1
	}
	return 1
}

// scoreText formats a score as Redis stores it in a listpack: an integral
// score as an integer, else 17 significant digits, which read back exactly.
func scoreText(f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return []byte("inf")
	case math.IsInf(f, -1):
		return []byte("-inf")
	case f == math.Trunc(f) && math.Abs(f) < 1<<53:
		return strconv.AppendInt(nil, int64(f), 10)
	}
	return strconv.AppendFloat(nil, f, 'g', 17, 64)
}
