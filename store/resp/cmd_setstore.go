package resp

import (
	"github.com/waqhq/waq/store/keyspace"
)

// The set commands that write their result or count it: SINTERSTORE,
// SUNIONSTORE, SDIFFSTORE, SINTERCARD and SMOVE.

func cmdSInterStore(c *call) error { return setStore(c, "inter") }
func cmdSUnionStore(c *call) error { return setStore(c, "union") }
func cmdSDiffStore(c *call) error  { return setStore(c, "diff") }

// setStore replaces the key c.args[1] (of any type) with the result of op
// over the sets c.args[2:], with the encoding Redis gives it, and answers
// its size; an empty result deletes it.
func setStore(c *call, op string) error {
	out, intset, err := setResult(c, c.args[2:], op)
	if err != nil {
		return err
	}
	if err := storeSet(c, c.args[1], out, intset); err != nil {
		return err
	}
	c.w.int(int64(len(out)))
	return nil
}

// storeSet makes key the set of ms, whatever it held before; a hashtable
// unless intset.
func storeSet(c *call, key []byte, ms [][]byte, intset bool) error {
	if err := keyspace.CheckLen(key, ms...); err != nil {
		return err
	}
	if _, err := c.tx.Delete(c.db(), key); err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := c.tx.SAdd(c.db(), key, m); err != nil {
			return err
		}
	}
	if intset {
		return nil
	}
	return c.tx.Convert(c.db(), key)
}

// cardArgs parses "numkeys key [key ...] [LIMIT limit]" of SINTERCARD and
// ZINTERCARD; name is the command's, for the numkeys error.
func cardArgs(c *call, zset bool) (keys [][]byte, limit int64, err error) {
	n, ok := parseInt(c.args[1])
	switch {
	case !ok && zset:
		return nil, 0, errNotInt
	case !ok || n <= 0:
		if zset {
			return nil, 0, rerr("ERR at least 1 input key is needed for '" + c.cmd.name + "' command")
		}
		return nil, 0, rerr("ERR numkeys should be greater than 0")
	case n > int64(len(c.args)-2):
		return nil, 0, rerr("ERR Number of keys can't be greater than number of args")
	}
	keys = c.args[2 : 2+n]
	rest := c.args[2+n:]
	for len(rest) > 0 {
		if !eq(rest[0], "limit") || len(rest) < 2 {
			return nil, 0, errSyntax
		}
		l, ok := parseInt(rest[1])
		if !ok || l < 0 {
			return nil, 0, rerr("ERR LIMIT can't be negative")
		}
		limit, rest = l, rest[2:]
	}
	return keys, limit, nil
}

func cmdSInterCard(c *call) error {
	keys, limit, err := cardArgs(c, false)
	if err != nil {
		return err
	}
	out, _, err := setResult(c, keys, "inter")
	if err != nil {
		return err
	}
	n := int64(len(out))
	if limit > 0 {
		n = min(n, limit)
	}
	c.w.int(n)
	return nil
}

// cmdSMove checks both keys' types before it moves anything, as Redis does,
// and tells WATCH only of the keys it changed (Redis's test checks that a
// member already in the destination leaves its watchers alone).
func cmdSMove(c *call) error {
	src, dst, m := c.args[1], c.args[2], c.args[3]
	if _, err := c.tx.Len(c.db(), src, keyspace.Set); err != nil {
		return err
	}
	if _, err := c.tx.Len(c.db(), dst, keyspace.Set); err != nil {
		return err
	}
	if string(src) == string(dst) { // a no-op that keeps the key's TTL
		ok, err := c.tx.SIsMember(c.db(), src, m)
		c.w.bool(ok)
		return err
	}
	if err := keyspace.CheckLen(dst, m); err != nil {
		return err
	}
	ok, err := c.tx.SRem(c.db(), src, m)
	if err != nil || !ok {
		c.w.int(0)
		return err
	}
	c.touch(c.db(), src)
	if added, err := c.tx.SAdd(c.db(), dst, m); err != nil {
		return err
	} else if added {
		c.touch(c.db(), dst)
	}
	c.w.int(1)
	return nil
}
