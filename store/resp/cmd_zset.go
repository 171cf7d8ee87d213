package resp

import (
	"math"

	"github.com/waqhq/waq/store/keyspace"
)

// zaddOpts are ZADD's flags.
type zaddOpts struct{ nx, xx, gt, lt, ch, incr bool }

func parseZAdd(args [][]byte) (zaddOpts, int, error) {
	var o zaddOpts
	i := 2
	for ; i < len(args); i++ {
		switch lower(args[i]) {
		case "nx":
			o.nx = true
		case "xx":
			o.xx = true
		case "gt":
			o.gt = true
		case "lt":
			o.lt = true
		case "ch":
			o.ch = true
		case "incr":
			o.incr = true
		default:
			goto done
		}
	}
done:
	n := len(args) - i
	switch {
	case n == 0 || n%2 != 0:
		return o, i, errSyntax
	case o.nx && o.xx:
		return o, i, rerr("ERR XX and NX options at the same time are not compatible")
	case (o.gt && o.nx) || (o.lt && o.nx) || (o.gt && o.lt):
		return o, i, rerr("ERR GT, LT, and/or NX options at the same time are not compatible")
	case o.incr && n > 2:
		return o, i, rerr("ERR INCR option supports a single increment-element pair")
	}
	return o, i, nil
}

func cmdZAdd(c *call) error {
	o, at, err := parseZAdd(c.args)
	if err != nil {
		return err
	}
	scores := make([]float64, 0, (len(c.args)-at)/2)
	for i := at; i < len(c.args); i += 2 {
		f, err := floatArg(c.args[i])
		if err != nil {
			return err
		}
		scores = append(scores, f)
	}
	if _, err := c.tx.Len(c.db(), c.args[1], keyspace.ZSet); err != nil {
		return err
	}
	for i := at + 1; i < len(c.args); i += 2 {
		if err := keyspace.CheckLen(c.args[1], c.args[i]); err != nil {
			return err
		}
	}
	var count [4]int64 // by zres
	var score float64
	for j, f := range scores {
		res, s, err := zadd(c, o, c.args[at+2*j+1], f)
		if err != nil {
			return err
		}
		score = s
		count[res]++
	}
	zaddReply(c, o, count, score)
	return nil
}

// zaddReply answers ZADD: the new score with INCR (null when nothing was
// done), else the members added (and changed, with CH).
func zaddReply(c *call, o zaddOpts, count [4]int64, score float64) {
	switch {
	case o.incr && count[zAdded]+count[zUpdated]+count[zSame] > 0:
		c.w.double(score)
	case o.incr:
		c.w.null()
	case o.ch:
		c.w.int(count[zAdded] + count[zUpdated])
	default:
		c.w.int(count[zAdded])
	}
}

type zres int

const (
	zNop zres = iota
	zAdded
	zUpdated
	zSame // processed without a change
)

// zadd is Redis's zsetAdd: one member under ZADD's flags. It returns what
// happened and the member's score after it.
func zadd(c *call, o zaddOpts, member []byte, score float64) (zres, float64, error) {
	cur, ok, err := c.tx.ZScore(c.db(), c.args[1], member)
	if err != nil {
		return zNop, 0, err
	}
	if ok {
		if o.nx {
			return zNop, cur, nil
		}
		if o.incr {
			score += cur
			if math.IsNaN(score) {
				return zNop, 0, rerr("ERR resulting score is not a number (NaN)")
			}
		}
		if (o.lt && score >= cur) || (o.gt && score <= cur) {
			return zNop, cur, nil
		}
		if score == cur {
			return zSame, cur, nil
		}
		_, err := c.tx.ZAdd(c.db(), c.args[1], member, score)
		return zUpdated, score, err
	}
	if o.xx {
		return zNop, 0, nil
	}
	_, err = c.tx.ZAdd(c.db(), c.args[1], member, score)
	return zAdded, score, err
}

func cmdZIncrBy(c *call) error {
	f, err := floatArg(c.args[2])
	if err != nil {
		return err
	}
	if _, err := c.tx.Len(c.db(), c.args[1], keyspace.ZSet); err != nil {
		return err
	}
	_, score, err := zadd(c, zaddOpts{incr: true}, c.args[3], f)
	if err == nil {
		c.w.double(score)
	}
	return err
}

func cmdZScore(c *call) error {
	f, ok, err := c.tx.ZScore(c.db(), c.args[1], c.args[2])
	if err != nil {
		return err
	}
	if ok {
		c.w.double(f)
	} else {
		c.w.null()
	}
	return nil
}

func cmdZMScore(c *call) error {
	if _, err := c.tx.Len(c.db(), c.args[1], keyspace.ZSet); err != nil {
		return err
	}
	c.w.array(len(c.args) - 2)
	for _, m := range c.args[2:] {
		if f, ok, _ := c.tx.ZScore(c.db(), c.args[1], m); ok {
			c.w.double(f)
		} else {
			c.w.null()
		}
	}
	return nil
}

func cmdZCard(c *call) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.ZSet)
	c.w.int(n)
	return err
}

func cmdZRem(c *call) error { return countIn(c, keyspace.ZSet, c.tx.ZRem) }

func cmdZRank(c *call) error    { return zrank(c, false) }
func cmdZRevRank(c *call) error { return zrank(c, true) }

func zrank(c *call, rev bool) error {
	if _, ok, err := c.tx.ZScore(c.db(), c.args[1], c.args[2]); err != nil || !ok {
		c.w.null()
		return err
	}
	rank := int64(0)
	err := c.tx.ZWalk(c.db(), c.args[1], rev, nil, func(m []byte, _ float64) bool {
		if string(m) == string(c.args[2]) {
			return false
		}
		rank++
		return true
	})
	c.w.int(rank)
	return err
}

func cmdZPopMin(c *call) error { return zpop(c, false) }
func cmdZPopMax(c *call) error { return zpop(c, true) }

func zpop(c *call, rev bool) error {
	if len(c.args) > 3 {
		return errSyntax
	}
	count := int64(1)
	if len(c.args) == 3 {
		n, ok := parseInt(c.args[2])
		if !ok || n < 0 {
			return errPositive
		}
		count = n
	}
	type pair struct {
		m []byte
		s float64
	}
	var ps []pair
	err := c.tx.ZWalk(c.db(), c.args[1], rev, nil, func(m []byte, s float64) bool {
		if int64(len(ps)) >= count {
			return false
		}
		ps = append(ps, pair{append([]byte(nil), m...), s})
		return true
	})
	if err != nil {
		return err
	}
	// RESP3 nests the pairs when a count was given (even 1)
	if len(c.args) == 3 {
		c.w.pairsLen(len(ps))
	} else {
		c.w.array(2 * len(ps))
	}
	for _, p := range ps {
		if len(c.args) == 3 {
			c.w.pair()
		}
		c.w.bulk(p.m)
		c.w.double(p.s)
		if _, err := c.tx.ZRem(c.db(), c.args[1], p.m); err != nil {
			return err
		}
	}
	return nil
}

func cmdZScan(c *call) error {
	return collScan(c, keyspace.ZSet, func(n int64, after []byte, fn func(f, v []byte) bool) error {
		emit := func(m []byte, s float64) bool { return fn(m, []byte(formatScore(s))) }
		if n <= 128 { // returned whole, in score order as Redis's listpack
			return c.tx.ZWalk(c.db(), c.args[1], false, nil, emit)
		}
		return c.tx.ZScanMembers(c.db(), c.args[1], after, emit)
	})
}
