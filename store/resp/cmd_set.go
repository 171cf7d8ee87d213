package resp

import (
	"bytes"

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

// members returns copies of a set's members in Redis's order (ascending
// for an intset, else byte order).
func members(c *call, key []byte) ([][]byte, error) {
	var ms [][]byte
	err := c.tx.SAll(c.db(), key, func(m []byte) bool {
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

// cmdSPop answers as Redis 7.0 does: a count that takes the whole set
// answers it as SUNION of it would; one that leaves few members (at most a
// fifth of the count) answers the rest in the set's order and stores what
// it leaves as a new set, whose encoding follows its members.
func cmdSPop(c *call) error {
	ms, idx, withCount, err := randomMembers(c, true)
	if err != nil {
		return err
	}
	picked := pickedOf(ms, idx)
	switch {
	case !withCount:
		answerPicked(c, ms, idx, false)
	case len(idx) == len(ms):
		picked, _ = unionDiff([]inSet{{key: c.args[1], ms: picked, exists: true}}, "union", intsetMax(c))
		c.w.set(picked)
	default:
		c.w.set(picked)
	}
	for _, m := range picked {
		if _, err := c.tx.SRem(c.db(), c.args[1], m); err != nil {
			return err
		}
	}
	if left := len(ms) - len(idx); withCount && left > 0 && left*5 <= len(idx) {
		return c.tx.SReencode(c.db(), c.args[1])
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

// setop answers SINTER, SUNION and SDIFF in Redis's order (see
// cmd_setorder.go). Every key is type-checked first, as Redis does.
func setop(c *call, op string) error {
	out, _, err := setResult(c, c.args[1:], op)
	if err == nil {
		c.w.set(out)
	}
	return err
}

func cmdSInter(c *call) error { return setop(c, "inter") }
func cmdSUnion(c *call) error { return setop(c, "union") }
func cmdSDiff(c *call) error  { return setop(c, "diff") }

func cmdSScan(c *call) error {
	return collScan(c, keyspace.Set, func(_ int64, after []byte, fn func(f, v []byte) bool) error {
		if after == nil {
			return c.tx.SAll(c.db(), c.args[1], func(m []byte) bool { return fn(m, nil) })
		}
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
