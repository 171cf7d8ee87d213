package resp

import (
	"bytes"
	"strconv"

	"github.com/waqhq/waq/store/keyspace"
)

func cmdHSet(c *call) error {
	if len(c.args)%2 != 0 {
		return errArity(c.cmd.name)
	}
	if _, err := c.tx.Len(c.db(), c.args[1], keyspace.Hash); err != nil {
		return err
	}
	for i := 2; i < len(c.args); i += 2 {
		if err := keyspace.CheckLen(c.args[1], c.args[i]); err != nil {
			return err
		}
	}
	n := int64(0)
	for i := 2; i < len(c.args); i += 2 {
		added, err := c.tx.HSet(c.db(), c.args[1], c.args[i], c.args[i+1])
		if err != nil {
			return err
		}
		if added {
			n++
		}
	}
	if eq(c.args[0], "hmset") {
		c.w.ok()
	} else {
		c.w.int(n)
	}
	return nil
}

func cmdHSetNX(c *call) error {
	_, ok, err := c.tx.HGet(c.db(), c.args[1], c.args[2])
	if err != nil || ok {
		c.w.int(0)
		return err
	}
	c.w.int(1)
	_, err = c.tx.HSet(c.db(), c.args[1], c.args[2], c.args[3])
	return err
}

func cmdHGet(c *call) error {
	v, ok, err := c.tx.HGet(c.db(), c.args[1], c.args[2])
	if err != nil {
		return err
	}
	if ok {
		c.w.bulk(v)
	} else {
		c.w.null()
	}
	return nil
}

func cmdHMGet(c *call) error {
	if _, err := c.tx.Len(c.db(), c.args[1], keyspace.Hash); err != nil {
		return err
	}
	c.w.array(len(c.args) - 2)
	for _, f := range c.args[2:] {
		if v, ok, _ := c.tx.HGet(c.db(), c.args[1], f); ok {
			c.w.bulk(v)
		} else {
			c.w.null()
		}
	}
	return nil
}

// hgetall answers HGETALL, HKEYS and HVALS in Redis's order (insertion
// order for a listpack hash, else byte order).
func hgetall(c *call, keys, vals bool) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.Hash)
	if err != nil {
		return err
	}
	per := 0
	if keys {
		per++
	}
	if vals {
		per++
	}
	if per == 2 {
		c.w.mapLen(int(n))
	} else {
		c.w.array(int(n))
	}
	return c.tx.HAll(c.db(), c.args[1], func(f, v []byte) bool {
		if keys {
			c.w.bulk(f)
		}
		if vals {
			c.w.bulk(v)
		}
		return true
	})
}

func cmdHGetAll(c *call) error { return hgetall(c, true, true) }
func cmdHKeys(c *call) error   { return hgetall(c, true, false) }
func cmdHVals(c *call) error   { return hgetall(c, false, true) }

func cmdHDel(c *call) error { return countIn(c, keyspace.Hash, c.tx.HDel) }

func cmdHExists(c *call) error {
	_, ok, err := c.tx.HGet(c.db(), c.args[1], c.args[2])
	c.w.bool(ok)
	return err
}

func cmdHLen(c *call) error {
	n, err := c.tx.Len(c.db(), c.args[1], keyspace.Hash)
	c.w.int(n)
	return err
}

func cmdHStrlen(c *call) error {
	v, _, err := c.tx.HGet(c.db(), c.args[1], c.args[2])
	c.w.int(int64(len(v)))
	return err
}

func cmdHIncrBy(c *call) error {
	by, err := intArg(c.args[3])
	if err != nil {
		return err
	}
	v, ok, err := c.tx.HGet(c.db(), c.args[1], c.args[2])
	if err != nil {
		return err
	}
	cur := int64(0)
	if ok {
		if cur, ok = parseInt(v); !ok {
			return rerr("ERR hash value is not an integer")
		}
	}
	if (by < 0 && cur < 0 && by < minInt-cur) || (by > 0 && cur > 0 && by > maxInt-cur) {
		return errOverflow
	}
	cur += by
	c.w.int(cur)
	_, err = c.tx.HSet(c.db(), c.args[1], c.args[2], strconv.AppendInt(nil, cur, 10))
	return err
}

func cmdHIncrByFloat(c *call) error {
	inc, ok := longDouble(c.args[3])
	if !ok {
		return errNotFloat
	}
	if inc.IsInf() {
		return rerr("ERR value is NaN or Infinity")
	}
	v, ok, err := c.tx.HGet(c.db(), c.args[1], c.args[2])
	if err != nil {
		return err
	}
	if !ok {
		v = nil
	}
	sum, err := addLongDouble(v, c.args[3], "ERR hash value is not a float")
	if err != nil {
		return err
	}
	c.w.bulkString(sum)
	_, err = c.tx.HSet(c.db(), c.args[1], c.args[2], []byte(sum))
	return err
}

// cmdHRandField picks fields as Redis's contract says (distinct for a
// positive count, repeats allowed for a negative one); which fields is
// random, so tests can compare only counts, but distinct ones come in the
// hash's order, as from Redis's listpack (and all of them when the count
// covers the hash).
func cmdHRandField(c *call) error {
	count, withValues, single, err := randArgs(c, "withvalues")
	if err != nil {
		return err
	}
	var fs, vs [][]byte
	err = c.tx.HAll(c.db(), c.args[1], func(f, v []byte) bool {
		fs, vs = append(fs, bytes.Clone(f)), append(vs, bytes.Clone(v))
		return true
	})
	if err != nil {
		return err
	}
	size := func(i int) int { return len(fs[i]) + len(vs[i]) }
	idx, err := pick(len(fs), count, single, size, c.s.opt.MaxBulk)
	if err != nil {
		return err
	}
	if single {
		if len(idx) == 0 {
			c.w.null()
		} else {
			c.w.bulk(fs[idx[0]])
		}
		return nil
	}
	if withValues {
		c.w.pairsLen(len(idx))
	} else {
		c.w.array(len(idx))
	}
	for _, i := range idx {
		if withValues {
			c.w.pair()
		}
		c.w.bulk(fs[i])
		if withValues {
			c.w.bulk(vs[i])
		}
	}
	return nil
}

func cmdHScan(c *call) error {
	return collScan(c, keyspace.Hash, func(_ int64, after []byte, fn func(f, v []byte) bool) error {
		if after == nil {
			return c.tx.HAll(c.db(), c.args[1], fn)
		}
		return c.tx.HScan(c.db(), c.args[1], after, fn)
	})
}
