package resp

import (
	"bytes"

	"github.com/waqhq/waq/store/keyspace"
)

func cmdLPush(c *call) error  { return push(c, true, false) }
func cmdRPush(c *call) error  { return push(c, false, false) }
func cmdLPushX(c *call) error { return push(c, true, true) }
func cmdRPushX(c *call) error { return push(c, false, true) }

func push(c *call, left, existing bool) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
	if err != nil {
		return err
	}
	if existing && n == 0 {
		c.w.int(0)
		return nil
	}
	for _, v := range c.args[2:] {
		if n, err = c.tx.LPush(c.db(), c.args[1], v, left); err != nil {
			return err
		}
	}
	c.w.int(n)
	return nil
}

func cmdLPop(c *call) error { return pop(c, true) }
func cmdRPop(c *call) error { return pop(c, false) }

// pop answers LPOP and RPOP, with Redis's reply shapes: a bulk without a
// count, an array with one, a null array for a missing key with a count.
func pop(c *call, left bool) error {
	count, withCount := int64(1), len(c.args) == 3
	if len(c.args) > 3 {
		return errArity(c.cmd.name)
	}
	if withCount {
		n, ok := parseInt(c.args[2])
		if !ok || n < 0 {
			return errPositive
		}
		count = n
	}
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
	if err != nil {
		return err
	}
	if n == 0 {
		if withCount {
			c.w.nullArray()
		} else {
			c.w.null()
		}
		return nil
	}
	if withCount {
		c.w.array(int(min(count, n)))
	}
	for i := int64(0); i < min(count, n); i++ {
		v, _, err := c.tx.LPop(c.db(), c.args[1], left)
		if err != nil {
			return err
		}
		c.w.bulk(v)
	}
	return nil
}

// span turns Redis start/stop indexes (negative from the end) into a
// clamped 0-based inclusive range; ok is false when it is empty.
func span(start, stop, n int64) (int64, int64, bool) {
	if start < 0 {
		start = max(n+start, 0)
	}
	if stop < 0 {
		stop = n + stop
	}
	if start > stop || start >= n {
		return 0, 0, false
	}
	return start, min(stop, n-1), true
}

func rangeArgs(c *call) (int64, int64, error) {
	start, err := intArg(c.args[2])
	if err != nil {
		return 0, 0, err
	}
	stop, err := intArg(c.args[3])
	return start, stop, err
}

func cmdLRange(c *call) error {
	start, stop, err := rangeArgs(c)
	if err != nil {
		return err
	}
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
	if err != nil {
		return err
	}
	start, stop, ok := span(start, stop, n)
	if !ok {
		c.w.array(0)
		return nil
	}
	c.w.array(int(stop - start + 1))
	return c.tx.LRange(c.db(), c.args[1], start, stop, func(v []byte) bool { c.w.bulk(v); return true })
}

func cmdLLen(c *call) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
	c.w.int(n)
	return err
}

// LINDEX and LSET look the key up before they parse the index, as Redis.
func cmdLIndex(c *call) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
	if err != nil {
		return err
	}
	if n == 0 {
		c.w.null()
		return nil
	}
	i, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	if i < 0 {
		i += n
	}
	v, ok, err := c.tx.LIndex(c.db(), c.args[1], i)
	if err != nil || !ok {
		c.w.null()
		return err
	}
	c.w.bulk(v)
	return nil
}

func cmdLSet(c *call) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.List)
	if err != nil {
		return err
	}
	if n == 0 {
		return errNoSuchKey
	}
	i, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	if i < 0 {
		i += n
	}
	ok, err := c.tx.LSet(c.db(), c.args[1], i, c.args[3])
	if err == nil && !ok {
		return errIndexRange
	}
	if err == nil {
		c.w.ok()
	}
	return err
}

// all returns copies of every element of the list at key.
func all(c *call, key []byte) ([][]byte, error) {
	var vs [][]byte
	err := c.tx.LRange(c.db(), key, 0, 1<<62, func(v []byte) bool {
		vs = append(vs, bytes.Clone(v))
		return true
	})
	return vs, err
}

func cmdLInsert(c *call) error {
	before := eq(c.args[2], "before")
	if !before && !eq(c.args[2], "after") {
		return errSyntax
	}
	vs, err := all(c, c.args[1])
	if err != nil || len(vs) == 0 {
		c.w.int(0)
		return err
	}
	for i, v := range vs {
		if !bytes.Equal(v, c.args[3]) {
			continue
		}
		if !before {
			i++
		}
		vs = append(vs[:i], append([][]byte{c.args[4]}, vs[i:]...)...)
		c.w.int(int64(len(vs)))
		return c.tx.LReplace(c.db(), c.args[1], vs)
	}
	c.w.int(-1)
	return nil
}

func cmdLTrim(c *call) error {
	start, stop, err := rangeArgs(c)
	if err != nil {
		return err
	}
	vs, err := all(c, c.args[1])
	if err != nil {
		return err
	}
	c.w.ok()
	if len(vs) == 0 {
		return nil
	}
	start, stop, ok := span(start, stop, int64(len(vs)))
	if !ok {
		return c.tx.LReplace(c.db(), c.args[1], nil)
	}
	if start == 0 && stop == int64(len(vs))-1 {
		return nil
	}
	return c.tx.LReplace(c.db(), c.args[1], vs[start:stop+1])
}

func cmdLRem(c *call) error {
	count, err := intArg(c.args[2])
	if err != nil {
		return err
	}
	vs, err := all(c, c.args[1])
	if err != nil || len(vs) == 0 {
		c.w.int(0)
		return err
	}
	keep, removed := removeN(vs, c.args[3], count)
	c.w.int(removed)
	if removed == 0 {
		return nil
	}
	return c.tx.LReplace(c.db(), c.args[1], keep)
}

// removeN drops up to |count| elements equal to x (all for 0), from the
// tail when count is negative.
func removeN(vs [][]byte, x []byte, count int64) ([][]byte, int64) {
	limit := count
	if limit < 0 {
		limit = -limit
	}
	if count == minInt {
		limit = 0 // Redis's negation overflows and it never reaches the limit: all go
	}
	drop := make([]bool, len(vs))
	removed := int64(0)
	for j := range vs {
		i := j
		if count < 0 {
			i = len(vs) - 1 - j
		}
		if bytes.Equal(vs[i], x) && (limit == 0 || removed < limit) {
			drop[i] = true
			removed++
		}
	}
	keep := vs[:0:0]
	for i, v := range vs {
		if !drop[i] {
			keep = append(keep, v)
		}
	}
	return keep, removed
}
