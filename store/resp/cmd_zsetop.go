package resp

import (
	"bytes"
	"math"
	"sort"

	"github.com/waqhq/waq/store/keyspace"
)

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, after Redis's
// zunionInterDiffGenericCommand: sets count as sorted sets of score 1.

type zop struct {
	name    string // union, inter or diff
	srcs    []zsrc
	agg     string // sum, min or max
	scores  bool   // WITHSCORES
	limit   int64  // ZINTERCARD's LIMIT; 0 for none
	dst     []byte // the STORE forms' destination
	numkeys int    // index of numkeys in the arguments
}

type zsrc struct {
	weight float64
	elems  []zpair
}

// parseZop reads numkeys, the keys (checking their types first, as Redis
// does) and the options.
func parseZop(c *call, op *zop, card bool) error {
	n, ok := parseInt(c.args[op.numkeys])
	if !ok {
		return errNotInt
	}
	if n < 1 {
		return rerr("ERR at least 1 input key is needed for '" + c.cmd.name + "' command")
	}
	if n > int64(len(c.args)-op.numkeys-1) {
		return errSyntax
	}
	j := op.numkeys + 1
	for _, k := range c.args[j : j+int(n)] {
		src, err := zsource(c, k)
		if err != nil {
			return err
		}
		op.srcs = append(op.srcs, src)
	}
	op.agg = "sum"
	return zopOptions(c, op, c.args[j+int(n):], card)
}

func zopOptions(c *call, op *zop, rest [][]byte, card bool) error {
	for len(rest) > 0 {
		switch a := rest[0]; {
		case op.name != "diff" && !card && len(rest) > len(op.srcs) && eq(a, "weights"):
			for i := range op.srcs {
				f, ok := parseFloat(rest[1+i])
				if !ok {
					return rerr("ERR weight value is not a float")
				}
				op.srcs[i].weight = f
			}
			rest = rest[1+len(op.srcs):]
		case op.name != "diff" && !card && len(rest) >= 2 && eq(a, "aggregate"):
			agg := lower(rest[1])
			if agg != "sum" && agg != "min" && agg != "max" {
				return errSyntax
			}
			op.agg, rest = agg, rest[2:]
		case card && len(rest) >= 2 && eq(a, "limit"):
			l, ok := parseInt(rest[1])
			if !ok || l < 0 {
				return rerr("ERR LIMIT can't be negative")
			}
			op.limit, rest = l, rest[2:]
		case !card && op.dst == nil && eq(a, "withscores"):
			op.scores, rest = true, rest[1:]
		default:
			return errSyntax
		}
	}
	return nil
}

// zsource reads a set or sorted set (a missing key is empty).
func zsource(c *call, key []byte) (zsrc, error) {
	src := zsrc{weight: 1}
	m, err := c.tx.Meta(c.db(), key)
	switch {
	case err != nil || m == nil:
		return src, err
	case m.Type == keyspace.Set:
		err = c.tx.SScan(c.db(), key, nil, func(mb []byte) bool {
			src.elems = append(src.elems, zpair{bytes.Clone(mb), 1})
			return true
		})
	case m.Type == keyspace.ZSet:
		err = c.tx.ZWalk(c.db(), key, false, nil, func(mb []byte, s float64) bool {
			src.elems = append(src.elems, zpair{bytes.Clone(mb), s})
			return true
		})
	default:
		return src, keyspace.ErrWrongType
	}
	return src, err
}

func weighted(w, s float64) float64 {
	if v := w * s; !math.IsNaN(v) {
		return v
	}
	return 0 // inf * 0
}

func (op *zop) aggregate(a, b float64) float64 {
	switch op.agg {
	case "min":
		return min(a, b)
	case "max":
		return max(a, b)
	}
	if v := a + b; !math.IsNaN(v) {
		return v
	}
	return 0 // inf + -inf
}

// result computes the members and scores, in ZRANGE order.
func (op *zop) result() []zpair {
	srcs := op.srcs
	if op.name != "diff" { // Redis starts from the smallest input
		srcs = append([]zsrc(nil), srcs...)
		sort.SliceStable(srcs, func(i, j int) bool { return len(srcs[i].elems) < len(srcs[j].elems) })
	}
	score := map[string]float64{}
	seen := map[string]int{}
	var order []string
	for i, src := range srcs {
		for _, e := range src.elems {
			m := string(e.m)
			switch {
			case op.name == "diff" && i > 0:
				delete(seen, m)
			case i == 0:
				score[m], seen[m] = weighted(src.weight, e.s), 1
				order = append(order, m)
			case op.name == "union" && seen[m] == 0:
				score[m], seen[m] = weighted(src.weight, e.s), 1
				order = append(order, m)
			case op.name == "union":
				score[m] = op.aggregate(score[m], weighted(src.weight, e.s))
			case op.name == "inter" && seen[m] == i:
				score[m] = op.aggregate(score[m], weighted(src.weight, e.s))
				seen[m] = i + 1
			}
		}
	}
	var out []zpair
	for _, m := range order {
		if n, ok := seen[m]; ok && (op.name != "inter" || n == len(srcs)) {
			out = append(out, zpair{[]byte(m), score[m]})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].s != out[j].s {
			return out[i].s < out[j].s
		}
		return bytes.Compare(out[i].m, out[j].m) < 0
	})
	return out
}

func zopCommand(c *call, name string, store bool) error {
	op := &zop{name: name, numkeys: 1}
	if store {
		op.dst, op.numkeys = c.args[1], 2
	}
	if err := parseZop(c, op, false); err != nil {
		return err
	}
	out := op.result()
	if store {
		if err := storeZSet(c, op.dst, out); err != nil {
			return err
		}
		c.w.int(int64(len(out)))
		return nil
	}
	z := zspec{scores: op.scores}
	z.reply(c, out)
	return nil
}

// storeZSet makes key the sorted set of ps, whatever it held before.
func storeZSet(c *call, key []byte, ps []zpair) error {
	for _, p := range ps {
		if err := keyspace.CheckLen(key, p.m); err != nil {
			return err
		}
	}
	if _, err := c.tx.Delete(c.db(), key); err != nil {
		return err
	}
	for _, p := range ps {
		if _, err := c.tx.ZAdd(c.db(), key, p.m, p.s); err != nil {
			return err
		}
	}
	return nil
}

func cmdZUnion(c *call) error      { return zopCommand(c, "union", false) }
func cmdZInter(c *call) error      { return zopCommand(c, "inter", false) }
func cmdZDiff(c *call) error       { return zopCommand(c, "diff", false) }
func cmdZUnionStore(c *call) error { return zopCommand(c, "union", true) }
func cmdZInterStore(c *call) error { return zopCommand(c, "inter", true) }
func cmdZDiffStore(c *call) error  { return zopCommand(c, "diff", true) }

func cmdZInterCard(c *call) error {
	op := &zop{name: "inter", numkeys: 1}
	if err := parseZop(c, op, true); err != nil {
		return err
	}
	n := int64(len(op.result()))
	if op.limit > 0 {
		n = min(n, op.limit)
	}
	c.w.int(n)
	return nil
}
