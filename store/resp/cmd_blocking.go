package resp

import (
	"bytes"
	"errors"
	"time"

	"github.com/waqhq/waq/store/keyspace"
)

// BLPOP BRPOP BRPOPLPUSH BLMOVE LMPOP BLMPOP BZPOPMIN BZPOPMAX ZMPOP BZMPOP.
// The blocking forms wait with blockFor; each serves from the first of its
// keys that has elements, checking the types of the keys before it.

func cmdBLPop(c *call) error { return blpop(c, true) }
func cmdBRPop(c *call) error { return blpop(c, false) }

func blpop(c *call, left bool) error {
	timeout, err := blockTimeout(c.args[len(c.args)-1])
	if err != nil {
		return err
	}
	keys := c.args[1 : len(c.args)-1]
	return blockFor(c, keys, timeout, func(c *call, retry bool) (bool, error) {
		k, err := firstNonEmpty(c, keys, keyspace.List, retry)
		if err != nil || k == nil {
			return false, err
		}
		v, _, err := c.tx.LPop(c.db(), k, left)
		c.w.array(2)
		c.w.bulk(k)
		c.w.bulk(v)
		c.touch(c.db(), k)
		return true, err
	})
}

// firstNonEmpty returns the first key holding a non-empty collection of
// type typ, or ErrWrongType for a key of another type met before it
// (passed over when skipOthers).
func firstNonEmpty(c *call, keys [][]byte, typ keyspace.Type, skipOthers bool) ([]byte, error) {
	for _, k := range keys {
		n, err := c.tx.Len(c.db(), k, typ)
		if errors.Is(err, keyspace.ErrWrongType) && skipOthers {
			continue
		}
		if n > 0 && !c.inTurn(c.db(), k) {
			continue
		}
		if err != nil || n > 0 {
			return k, err
		}
	}
	return nil, nil
}

func cmdBRPopLPush(c *call) error { return blmove(c, false, true, c.args[3]) }

func cmdBLMove(c *call) error {
	from, to, err := sides(c)
	if err != nil {
		return err
	}
	return blmove(c, from, to, c.args[5])
}

func blmove(c *call, from, to bool, t []byte) error {
	timeout, err := blockTimeout(t)
	if err != nil {
		return err
	}
	if c.tx != nil { // in MULTI: LMOVE's answer, a null bulk when empty
		return lmove(c, from, to)
	}
	return blockFor(c, c.args[1:2], timeout, func(c *call, retry bool) (bool, error) {
		n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
		if errors.Is(err, keyspace.ErrWrongType) && retry {
			return false, nil
		}
		if err != nil || n == 0 || !c.inTurn(c.db(), c.args[1]) {
			return false, err
		}
		c.touch(c.db(), c.args[1])
		c.touch(c.db(), c.args[2])
		return true, lmove(c, from, to)
	})
}

// mpop is the parsed "numkeys key [key ...] LEFT|RIGHT|MIN|MAX [COUNT n]".
type mpop struct {
	keys  [][]byte
	first bool // LEFT or MIN
	count int64
}

func parseMPop(c *call, at int, a, b string) (mpop, error) {
	o := mpop{count: 1}
	n, ok := parseInt(c.args[at])
	if !ok || n <= 0 {
		return o, rerr("ERR numkeys should be greater than 0")
	}
	if n > int64(len(c.args)-at-2) { // the keys and LEFT|RIGHT
		return o, errSyntax
	}
	o.keys = c.args[at+1 : at+1+int(n)]
	rest := c.args[at+1+int(n):]
	switch {
	case eq(rest[0], a):
		o.first = true
	case !eq(rest[0], b):
		return o, errSyntax
	}
	rest = rest[1:]
	if len(rest) >= 2 && eq(rest[0], "count") {
		cnt, ok := parseInt(rest[1])
		if !ok || cnt <= 0 {
			return o, rerr("ERR count should be greater than 0")
		}
		o.count, rest = cnt, rest[2:]
	}
	if len(rest) > 0 {
		return o, errSyntax
	}
	return o, nil
}

func cmdLMPop(c *call) error  { return multiPop(c, 1, false, "left", "right", keyspace.List, lmpopFrom) }
func cmdBLMPop(c *call) error { return multiPop(c, 2, true, "left", "right", keyspace.List, lmpopFrom) }

// multiPop answers LMPOP, BLMPOP, ZMPOP and BZMPOP: the first non-empty key
// of typ among the command's keys, whose popped values pop writes after
// it; without one, a null array, or a wait when the command blocks.
func multiPop(c *call, at int, block bool, a, b string, typ keyspace.Type, pop func(*call, []byte, mpop) error) error {
	var timeout time.Duration
	if block {
		t, err := blockTimeout(c.args[1])
		if err != nil {
			return err
		}
		timeout = t
	}
	o, err := parseMPop(c, at, a, b)
	if err != nil {
		return err
	}
	try := func(c *call, retry bool) (bool, error) {
		k, err := firstNonEmpty(c, o.keys, typ, retry)
		if err != nil || k == nil {
			return false, err
		}
		if err := pop(c, k, o); err != nil {
			return false, err
		}
		return true, nil
	}
	if !block {
		ok, err := try(c, false)
		if err == nil && !ok {
			c.w.nullArray()
		}
		return err
	}
	return blockFor(c, o.keys, timeout, try)
}

// lmpopFrom pops up to o.count elements of list k and writes the key and
// them.
func lmpopFrom(c *call, k []byte, o mpop) error {
	n, _ := c.tx.Len(c.db(), k, keyspace.List)
	c.w.array(2)
	c.w.bulk(k)
	c.w.array(int(min(n, o.count)))
	for i := int64(0); i < min(n, o.count); i++ {
		v, _, err := c.tx.LPop(c.db(), k, o.first)
		if err != nil {
			return err
		}
		c.w.bulk(v)
	}
	c.touch(c.db(), k)
	return nil
}

// zpopFrom pops up to count members of the sorted set at key, lowest
// scores first unless max.
func zpopFrom(c *call, key []byte, count int64, max bool) ([]zpair, error) {
	var ps []zpair
	err := c.tx.ZWalk(c.db(), key, max, nil, func(m []byte, s float64) bool {
		ps = append(ps, zpair{bytes.Clone(m), s})
		return int64(len(ps)) < count
	})
	for _, p := range ps {
		if err == nil {
			_, err = c.tx.ZRem(c.db(), key, p.m)
		}
	}
	c.touch(c.db(), key)
	return ps, err
}
