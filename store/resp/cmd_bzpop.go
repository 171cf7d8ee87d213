package resp

import (
	"github.com/waqhq/waq/store/keyspace"
)

func cmdBZPopMin(c *call) error { return bzpop(c, false) }
func cmdBZPopMax(c *call) error { return bzpop(c, true) }

// bzpop answers BZPOPMIN and BZPOPMAX: key, member and score, flat.
func bzpop(c *call, max bool) error {
	timeout, err := blockTimeout(c.args[len(c.args)-1])
	if err != nil {
		return err
	}
	keys := c.args[1 : len(c.args)-1]
	return blockFor(c, keys, timeout, func(c *call, retry bool) (bool, error) {
		k, err := firstNonEmpty(c, keys, keyspace.ZSet, retry)
		if err != nil || k == nil {
			return false, err
		}
		ps, err := zpopFrom(c, k, 1, max)
		if err != nil || len(ps) == 0 {
			return false, err
		}
		c.w.array(3)
		c.w.bulk(k)
		c.w.bulk(ps[0].m)
		c.w.double(ps[0].s)
		return true, nil
	})
}

func cmdZMPop(c *call) error  { return multiPop(c, 1, false, "min", "max", keyspace.ZSet, zmpopFrom) }
func cmdBZMPop(c *call) error { return multiPop(c, 2, true, "min", "max", keyspace.ZSet, zmpopFrom) }

// zmpopFrom pops up to o.count members of sorted set k and writes the key
// and its popped pairs, nested in RESP2 as in RESP3.
func zmpopFrom(c *call, k []byte, o mpop) error {
	ps, err := zpopFrom(c, k, o.count, !o.first)
	if err != nil {
		return err
	}
	c.w.array(2)
	c.w.bulk(k)
	c.w.array(len(ps))
	for _, p := range ps {
		c.w.array(2)
		c.w.bulk(p.m)
		c.w.double(p.s)
	}
	return nil
}

// cmdClientUnblock: CLIENT UNBLOCK client-id [TIMEOUT|ERROR].
func cmdClientUnblock(c *call) error {
	id, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	asError := false
	if len(c.args) == 4 {
		switch {
		case eq(c.args[3], "error"):
			asError = true
		case !eq(c.args[3], "timeout"):
			return rerr("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
		}
	} else if len(c.args) > 4 {
		return errSyntax
	}
	c.w.bool(c.s.unblockClient(id, asError))
	return nil
}
