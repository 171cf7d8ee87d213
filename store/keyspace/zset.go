package keyspace

import (
	"bytes"
	"encoding/binary"
	"math"
)

// A sorted set keeps member -> score in resp_sub and score|member in
// resp_zidx, so ZSCORE is one lookup and ranges by score are one seek.

// zscoreBits maps float64 to uint64 so that unsigned order is numeric order
// (Kvrocks' EncodeDoubleToUInt64): negative numbers have all bits flipped,
// the others only the sign bit. -0 sorts as 0, as in Redis.
func zscoreBits(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

func zscoreFromBits(b uint64) float64 {
	if b&(1<<63) != 0 {
		return math.Float64frombits(b &^ (1 << 63))
	}
	return math.Float64frombits(^b)
}

func zidxKey(db int, key []byte, score float64, member []byte) []byte {
	b := subPrefix(db, key, 8+len(member))
	b = binary.BigEndian.AppendUint64(b, zscoreBits(score))
	return append(b, member...)
}

// ZScore returns member's score; false when missing; ErrWrongType.
func (t *Tx) ZScore(db int, key, member []byte) (float64, bool, error) {
	v, ok, err := t.fieldGet(db, key, ZSet, member)
	if !ok || len(v) != 8 {
		return 0, false, err
	}
	return math.Float64frombits(binary.BigEndian.Uint64(v)), true, nil
}

// ZAdd sets member's score and reports whether member is new; ErrWrongType,
// ErrKeyTooLong.
func (t *Tx) ZAdd(db int, key, member []byte, score float64) (bool, error) {
	if len(key)+len(member) > maxSubLen || len(key) > MaxKeyLen {
		return false, ErrKeyTooLong
	}
	old, ok, err := t.ZScore(db, key, member)
	if err != nil {
		return false, err
	}
	if ok {
		if err := t.zidx.Delete(zidxKey(db, key, old, member)); err != nil {
			return false, err
		}
	}
	if err := t.zidx.Put(zidxKey(db, key, score, member), nil); err != nil {
		return false, err
	}
	return t.fieldPut(db, key, ZSet, member, u64(math.Float64bits(score)))
}

// ZRem removes member and reports whether it was there; ErrWrongType.
func (t *Tx) ZRem(db int, key, member []byte) (bool, error) {
	score, ok, err := t.ZScore(db, key, member)
	if err != nil || !ok {
		return false, err
	}
	if err := t.zidx.Delete(zidxKey(db, key, score, member)); err != nil {
		return false, err
	}
	return t.fieldDel(db, key, ZSet, member)
}

// ZWalk calls fn with the members in score order (then member bytes), or in
// reverse, until fn returns false. With from set it starts at the first
// member scoring >= *from (reverse: the last scoring <= *from). The member is
// valid only inside fn's call. ErrWrongType.
func (t *Tx) ZWalk(db int, key []byte, rev bool, from *float64, fn func(member []byte, score float64) bool) error {
	m, err := t.typed(db, key, ZSet)
	if err != nil || m == nil {
		return err
	}
	p := subPrefix(db, key, 0)
	c := t.zidx.Cursor()
	var k []byte
	switch {
	case !rev && from == nil:
		k, _ = c.Seek(p)
	case !rev:
		k, _ = c.Seek(binary.BigEndian.AppendUint64(bytes.Clone(p), zscoreBits(*from)))
	default:
		end := prefixEnd(p)
		if from != nil && zscoreBits(*from) != math.MaxUint64 {
			end = binary.BigEndian.AppendUint64(bytes.Clone(p), zscoreBits(*from)+1)
		}
		if k, _ = c.Seek(end); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
	}
	for ; k != nil && bytes.HasPrefix(k, p) && len(k) >= len(p)+8; k = zstep(c, rev) {
		score := zscoreFromBits(binary.BigEndian.Uint64(k[len(p):]))
		if !fn(k[len(p)+8:], score) {
			return nil
		}
	}
	return nil
}

func zstep(c interface {
	Next() ([]byte, []byte)
	Prev() ([]byte, []byte)
}, rev bool) []byte {
	if rev {
		k, _ := c.Prev()
		return k
	}
	k, _ := c.Next()
	return k
}

// prefixEnd returns the first key after every key starting with p.
func prefixEnd(p []byte) []byte {
	e := bytes.Clone(p)
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] < 0xff {
			e[i]++
			return e[:i+1]
		}
	}
	return nil
}

// ZScanMembers calls fn with the members after the member after (nil: all)
// in byte order, with their scores, until fn returns false; ErrWrongType.
func (t *Tx) ZScanMembers(db int, key, after []byte, fn func(member []byte, score float64) bool) error {
	return t.fieldScan(db, key, ZSet, after, func(f, v []byte) bool {
		return fn(f, math.Float64frombits(binary.BigEndian.Uint64(v)))
	})
}
