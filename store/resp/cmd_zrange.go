package resp

import (
	"bytes"

	"github.com/waqhq/waq/store/keyspace"
)

type zkind int

const (
	zAuto zkind = iota
	zRank
	zScore
	zLex
)

// zspec is a parsed ZRANGE-family request, following Redis's
// zrangeGenericCommand.
type zspec struct {
	kind          zkind
	rev, scores   bool
	offset, limit int64
	start, stop   int64
	min, max      sbound
	lmin, lmax    lbound
}

type sbound struct {
	v    float64
	excl bool
}

// lbound is a lex bound; inf is -1 for "-", 1 for "+".
type lbound struct {
	v    []byte
	excl bool
	inf  int
}

type zpair struct {
	m []byte
	s float64
}

func parseSBound(b []byte) (sbound, bool) {
	if len(b) > 0 && b[0] == '(' {
		f, ok := parseBound(b[1:])
		return sbound{f, true}, ok
	}
	f, ok := parseBound(b)
	return sbound{f, false}, ok
}

func parseLBound(b []byte) (lbound, bool) {
	switch {
	case len(b) == 1 && b[0] == '-':
		return lbound{inf: -1}, true
	case len(b) == 1 && b[0] == '+':
		return lbound{inf: 1}, true
	case len(b) > 0 && (b[0] == '(' || b[0] == '['):
		return lbound{v: b[1:], excl: b[0] == '('}, true
	}
	return lbound{}, false
}

// parseZRange parses the options after args[3] and the range itself.
func parseZRange(args [][]byte, z zspec) (zspec, error) {
	z.limit = -1
	auto := z.kind == zAuto
	for j := 4; j < len(args); j++ {
		switch {
		case eq(args[j], "withscores"):
			z.scores = true
		case eq(args[j], "limit") && len(args)-j-1 >= 2:
			var err error
			if z.offset, err = intArg(args[j+1]); err != nil {
				return z, err
			}
			if z.limit, err = intArg(args[j+2]); err != nil {
				return z, err
			}
			j += 2
		case auto && !z.rev && eq(args[j], "rev"):
			z.rev = true
		case z.kind == zAuto && eq(args[j], "bylex"):
			z.kind = zLex
		case z.kind == zAuto && eq(args[j], "byscore"):
			z.kind = zScore
		default:
			return z, errSyntax
		}
	}
	return finishZRange(args, z)
}

func finishZRange(args [][]byte, z zspec) (zspec, error) {
	if z.kind == zAuto {
		z.kind = zRank
	}
	if z.limit != -1 && z.kind == zRank {
		return z, rerr("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	}
	if z.scores && z.kind == zLex {
		return z, rerr("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
	}
	lo, hi := args[2], args[3]
	if z.rev && z.kind != zRank {
		lo, hi = hi, lo
	}
	var ok1, ok2 bool
	switch z.kind {
	case zRank:
		var err error
		if z.start, err = intArg(lo); err != nil {
			return z, err
		}
		z.stop, err = intArg(hi)
		return z, err
	case zScore:
		if z.min, ok1 = parseSBound(lo); ok1 {
			z.max, ok2 = parseSBound(hi)
		}
		if !ok2 {
			return z, errMinMaxFloat
		}
	case zLex:
		if z.lmin, ok1 = parseLBound(lo); ok1 {
			z.lmax, ok2 = parseLBound(hi)
		}
		if !ok2 {
			return z, errMinMaxLex
		}
	}
	return z, nil
}

func (z *zspec) aboveMin(s float64) bool {
	return s > z.min.v || (!z.min.excl && s == z.min.v)
}

func (z *zspec) belowMax(s float64) bool {
	return s < z.max.v || (!z.max.excl && s == z.max.v)
}

func (z *zspec) lexAboveMin(m []byte) bool {
	if z.lmin.inf != 0 {
		return z.lmin.inf < 0
	}
	c := bytes.Compare(m, z.lmin.v)
	return c > 0 || (c == 0 && !z.lmin.excl)
}

func (z *zspec) lexBelowMax(m []byte) bool {
	if z.lmax.inf != 0 {
		return z.lmax.inf > 0
	}
	c := bytes.Compare(m, z.lmax.v)
	return c < 0 || (c == 0 && !z.lmax.excl)
}

// inRange reports for a member met in walk order whether it is before the
// range (skip), in it, or past it (stop).
func (z *zspec) inRange(m []byte, s float64) (skip, stop bool) {
	var lo, hi bool
	if z.kind == zScore {
		lo, hi = z.aboveMin(s), z.belowMax(s)
	} else {
		lo, hi = z.lexAboveMin(m), z.lexBelowMax(m)
	}
	if z.rev {
		return !hi, !lo
	}
	return !lo, !hi
}

// collect walks the sorted set at key and returns the members z selects.
func (z *zspec) collect(c *call, key []byte) ([]zpair, error) {
	n, err := c.tx.Len(c.db(), key, keyspace.ZSet)
	if err != nil || n == 0 {
		return nil, err
	}
	if z.kind == zRank {
		return z.collectRank(c, key, n)
	}
	if z.offset < 0 || (z.offset > 0 && z.offset >= n) {
		return nil, nil
	}
	var from *float64
	if z.kind == zScore {
		from = &z.min.v
		if z.rev {
			from = &z.max.v
		}
	}
	var out []zpair
	skip, limit := z.offset, z.limit
	err = c.tx.ZWalk(c.db(), key, z.rev, from, func(m []byte, s float64) bool {
		before, past := z.inRange(m, s)
		switch {
		case past || (!before && skip == 0 && limit == 0):
			return false
		case before:
		case skip > 0:
			skip--
		default:
			limit--
			out = append(out, zpair{bytes.Clone(m), s})
		}
		return true
	})
	return out, err
}

// collectRank selects by rank, from the end when reversed.
func (z *zspec) collectRank(c *call, key []byte, n int64) ([]zpair, error) {
	start, stop, ok := span(z.start, z.stop, n)
	if !ok {
		return nil, nil
	}
	var out []zpair
	i := int64(0)
	err := c.tx.ZWalk(c.db(), key, z.rev, nil, func(m []byte, s float64) bool {
		if i >= start {
			out = append(out, zpair{bytes.Clone(m), s})
		}
		i++
		return i <= stop
	})
	return out, err
}

func (z *zspec) reply(c *call, ps []zpair) {
	if z.scores {
		c.w.pairsLen(len(ps))
	} else {
		c.w.array(len(ps))
	}
	for _, p := range ps {
		if z.scores {
			c.w.pair()
		}
		c.w.bulk(p.m)
		if z.scores {
			c.w.double(p.s)
		}
	}
}

func zrange(c *call, z zspec) error {
	z, err := parseZRange(c.args, z)
	if err != nil {
		return err
	}
	ps, err := z.collect(c, c.args[1])
	if err == nil {
		z.reply(c, ps)
	}
	return err
}

func cmdZRange(c *call) error           { return zrange(c, zspec{}) }
func cmdZRangeByScore(c *call) error    { return zrange(c, zspec{kind: zScore}) }
func cmdZRevRangeByScore(c *call) error { return zrange(c, zspec{kind: zScore, rev: true}) }
func cmdZRevRange(c *call) error        { return zrange(c, zspec{kind: zRank, rev: true}) }
func cmdZRangeByLex(c *call) error      { return zrange(c, zspec{kind: zLex}) }
func cmdZRevRangeByLex(c *call) error   { return zrange(c, zspec{kind: zLex, rev: true}) }
func cmdZCount(c *call) error           { return zcount(c, zScore) }
func cmdZLexCount(c *call) error        { return zcount(c, zLex) }
func cmdZRemRangeByScore(c *call) error { return zremrange(c, zScore) }
func cmdZRemRangeByRank(c *call) error  { return zremrange(c, zRank) }
func cmdZRemRangeByLex(c *call) error   { return zremrange(c, zLex) }

func zcount(c *call, kind zkind) error {
	z, err := finishZRange(c.args, zspec{kind: kind, limit: -1})
	if err != nil {
		return err
	}
	ps, err := z.collect(c, c.args[1])
	c.w.int(int64(len(ps)))
	return err
}

func zremrange(c *call, kind zkind) error {
	z, err := finishZRange(c.args, zspec{kind: kind, limit: -1})
	if err != nil {
		return err
	}
	ps, err := z.collect(c, c.args[1])
	if err != nil {
		return err
	}
	for _, p := range ps {
		if _, err := c.tx.ZRem(c.db(), c.args[1], p.m); err != nil {
			return err
		}
	}
	c.w.int(int64(len(ps)))
	return nil
}
