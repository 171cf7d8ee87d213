package resp

import (
	"bytes"
	"sort"

	"github.com/waqhq/waq/store/keyspace"
)

func cmdSAdd(c *call) error {
	if _, err := c.tx.Len(c.db(), c.args[1], keyspace.Set); err != nil {
		return err
	}
	if err := keyspace.CheckLen(c.args[1], c.args[2:]...); err != nil {
		return err
	}
	return countIn(c, keyspace.Set, c.tx.SAdd)
}

func cmdSRem(c *call) error { return countIn(c, keyspace.Set, c.tx.SRem) }

// members returns copies of a set's members in byte order.
func members(c *call, key []byte) ([][]byte, error) {
	var ms [][]byte
	err := c.tx.SScan(c.db(), key, nil, func(m []byte) bool {
		ms = append(ms, bytes.Clone(m))
		return true
	})
	return ms, err
}

func cmdSMembers(c *call) error {
	ms, err := members(c, c.args[1])
	if err == nil {
		c.w.set(ms)
	}
	return err
}

func cmdSIsMember(c *call) error {
	ok, err := c.tx.SIsMember(c.db(), c.args[1], c.args[2])
	c.w.bool(ok)
	return err
}

func cmdSMIsMember(c *call) error {
	if _, err := c.tx.Len(c.db(), c.args[1], keyspace.Set); err != nil {
		return err
	}
	c.w.array(len(c.args) - 2)
	for _, m := range c.args[2:] {
		ok, _ := c.tx.SIsMember(c.db(), c.args[1], m)
		c.w.bool(ok)
	}
	return nil
}

func cmdSCard(c *call) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.Set)
	c.w.int(n)
	return err
}

// randomMembers reads the set for SPOP and SRANDMEMBER and picks the
// members to answer: one without a count, else count of them (positive
// only for SPOP; a negative count of SRANDMEMBER allows repeats).
func randomMembers(c *call, positive bool) (ms [][]byte, idx []int, withCount bool, err error) {
	if len(c.args) > 3 {
		return nil, nil, false, errSyntax
	}
	count, withCount := int64(1), len(c.args) == 3
	if withCount {
		if count, err = countArg(c, positive); err != nil {
			return nil, nil, false, err
		}
	}
	if ms, err = members(c, c.args[1]); err != nil {
		return nil, nil, false, err
	}
	size := func(i int) int { return len(ms[i]) }
	idx, err = pick(len(ms), count, !withCount, size, c.s.opt.MaxBulk)
	return ms, idx, withCount, err
}

// answerPicked writes the picked members: a bulk (or null) without a count,
// else an array.
func answerPicked(c *call, ms [][]byte, idx []int, withCount bool) {
	switch {
	case withCount:
		c.w.array(len(idx))
		for _, i := range idx {
			c.w.bulk(ms[i])
		}
	case len(idx) == 0:
		c.w.null()
	default:
		c.w.bulk(ms[idx[0]])
	}
}

func cmdSPop(c *call) error {
	ms, idx, withCount, err := randomMembers(c, true)
	if err != nil {
		return err
	}
	if withCount {
		c.w.set(pickedOf(ms, idx))
	} else {
		answerPicked(c, ms, idx, false)
	}
	for _, i := range idx {
		if _, err := c.tx.SRem(c.db(), c.args[1], ms[i]); err != nil {
			return err
		}
	}
	return nil
}

func cmdSRandMember(c *call) error {
	ms, idx, withCount, err := randomMembers(c, false)
	if err != nil {
		return err
	}
	answerPicked(c, ms, idx, withCount)
	return nil
}

// setop answers SINTER, SUNION and SDIFF. Every key is type-checked first,
// as Redis does.
func setop(c *call, op string) error {
	sets := make([][][]byte, 0, len(c.args)-1)
	for _, k := range c.args[1:] {
		ms, err := members(c, k)
		if err != nil {
			return err
		}
		sets = append(sets, ms)
	}
	c.w.set(combine(sets, op))
	return nil
}

func combine(sets [][][]byte, op string) [][]byte {
	count := map[string]int{}
	for i, ms := range sets {
		for _, m := range ms {
			switch {
			case op == "diff" && i > 0:
				delete(count, string(m))
			case op == "diff" || op == "union":
				count[string(m)] = 1
			case count[string(m)] == i:
				count[string(m)]++
			}
		}
	}
	var out [][]byte
	for m, n := range count {
		if op != "inter" || n == len(sets) {
			out = append(out, []byte(m))
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i], out[j]) < 0 })
	return out
}

func cmdSInter(c *call) error { return setop(c, "inter") }
func cmdSUnion(c *call) error { return setop(c, "union") }
func cmdSDiff(c *call) error  { return setop(c, "diff") }

func cmdSScan(c *call) error {
	return collScan(c, keyspace.Set, func(_ int64, after []byte, fn func(f, v []byte) bool) error {
		return c.tx.SScan(c.db(), c.args[1], after, func(m []byte) bool { return fn(m, nil) })
	})
}

func pickedOf(ms [][]byte, idx []int) [][]byte {
	out := make([][]byte, len(idx))
	for j, i := range idx {
		out[j] = ms[i]
	}
	return out
}
