package resp

import (
	"bytes"

	"github.com/waqhq/waq/store/keyspace"
)

// ZRANGESTORE and ZRANDMEMBER.

// cmdZRangeStore: ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV]
// [LIMIT offset count], ZRANGE's range stored at dst.
func cmdZRangeStore(c *call) error {
	for _, a := range c.args[5:] {
		if eq(a, "withscores") {
			return errSyntax
		}
	}
	args := append([][]byte{c.args[0]}, c.args[2:]...)
	z, err := parseZRange(args, zspec{})
	if err != nil {
		return err
	}
	ps, err := z.collect(c, c.args[2])
	if err != nil {
		return err
	}
	if err := storeZSet(c, c.args[1], ps); err != nil {
		return err
	}
	c.w.int(int64(len(ps)))
	return nil
}

// cmdZRandMember: ZRANDMEMBER key [count [WITHSCORES]], by HRANDFIELD's
// rules for counts.
func cmdZRandMember(c *call) error {
	count, withScores, single, err := randArgs(c, "withscores")
	if err != nil {
		return err
	}
	if _, err := c.tx.Len(c.db(), c.args[1], keyspace.ZSet); err != nil {
		return err
	}
	var ps []zpair
	err = c.tx.ZWalk(c.db(), c.args[1], false, nil, func(m []byte, s float64) bool {
		ps = append(ps, zpair{bytes.Clone(m), s})
		return true
	})
	if err != nil {
		return err
	}
	size := func(i int) int { return len(ps[i].m) + 24 }
	idx, err := pick(len(ps), count, single, size, c.s.opt.MaxBulk)
	if err != nil {
		return err
	}
	switch {
	case single && len(idx) == 0:
		c.w.null()
	case single:
		c.w.bulk(ps[idx[0]].m)
	case withScores:
		c.w.pairsLen(len(idx))
		for _, i := range idx {
			c.w.pair()
			c.w.bulk(ps[i].m)
			c.w.double(ps[i].s)
		}
	default:
		c.w.array(len(idx))
		for _, i := range idx {
			c.w.bulk(ps[i].m)
		}
	}
	return nil
}
