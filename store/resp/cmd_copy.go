package resp

import (
	"bytes"
	"math/rand/v2"

	"github.com/waqhq/waq/store/keyspace"
)

// kvalue is a copy of one key's value, read whole so that it can be written
// elsewhere in the same transaction (a bbolt cursor must not walk a bucket
// that is being written): COPY and MOVE.
type kvalue struct {
	typ      keyspace.Type
	expireAt int64
	str      []byte
	pairs    [][2][]byte // hash fields and values
	elems    [][]byte    // list elements in order, set members
	zs       []zpair
	stream   *keyspace.StreamCopy
	big      bool // a hash or set Redis keeps as a hashtable: the copy is one too
}

// readValue returns key's value in db, or nil when it is missing.
func readValue(c *call, db int, key []byte) (*kvalue, error) {
	m, err := c.tx.Meta(db, key)
	if err != nil || m == nil {
		return nil, err
	}
	v := &kvalue{typ: m.Type, expireAt: m.ExpireAt}
	switch m.Type {
	case keyspace.String:
		v.str = bytes.Clone(m.Value)
	case keyspace.Hash:
		err = c.tx.HAll(db, key, func(f, val []byte) bool { // the copy keeps the order
			v.pairs = append(v.pairs, [2][]byte{bytes.Clone(f), bytes.Clone(val)})
			return true
		})
	case keyspace.List:
		err = c.tx.LRange(db, key, 0, m.Size-1, func(e []byte) bool {
			v.elems = append(v.elems, bytes.Clone(e))
			return true
		})
	case keyspace.Set:
		err = c.tx.SScan(db, key, nil, func(e []byte) bool {
			v.elems = append(v.elems, bytes.Clone(e))
			return true
		})
	case keyspace.Stream:
		v.stream, err = c.tx.CopyStream(db, key)
	case keyspace.ZSet:
		err = c.tx.ZWalk(db, key, false, nil, func(e []byte, s float64) bool {
			v.zs = append(v.zs, zpair{bytes.Clone(e), s})
			return true
		})
	}
	if err == nil && (m.Type == keyspace.Hash || m.Type == keyspace.Set) {
		var compact bool
		compact, err = c.tx.Compact(db, key)
		v.big = !compact
	}
	return v, err
}

// write stores v at key in db, replacing what was there, with v's TTL.
func (v *kvalue) write(c *call, db int, key []byte) error {
	if _, err := c.tx.Delete(db, key); err != nil {
		return err
	}
	var err error
	switch v.typ {
	case keyspace.String:
		return c.tx.SetString(db, key, v.str, v.expireAt, false)
	case keyspace.Stream:
		return c.tx.PasteStream(db, key, v.stream)
	case keyspace.Hash:
		for _, p := range v.pairs {
			if _, err = c.tx.HSet(db, key, p[0], p[1]); err != nil {
				return err
			}
		}
	case keyspace.List:
		for _, e := range v.elems {
			if _, err = c.tx.LPush(db, key, e, false); err != nil {
				return err
			}
		}
	case keyspace.Set:
		for _, e := range v.elems {
			if _, err = c.tx.SAdd(db, key, e); err != nil {
				return err
			}
		}
	case keyspace.ZSet:
		for _, p := range v.zs {
			if _, err = c.tx.ZAdd(db, key, p.m, p.s); err != nil {
				return err
			}
		}
	}
	if v.big {
		if err = c.tx.Convert(db, key); err != nil {
			return err
		}
	}
	if v.expireAt != 0 {
		_, err = c.tx.SetExpire(db, key, v.expireAt)
	}
	return err
}

// dbArg parses a database number as SELECT does.
func dbArg(b []byte) (int, error) {
	n, ok := parseInt(b)
	switch {
	case !ok:
		return 0, errNotInt
	case n < -1<<31 || n > 1<<31-1:
		return 0, errIntRange
	case n < 0 || n >= keyspace.DBs:
		return 0, errDBRange
	}
	return int(n), nil
}

// cmdCopy: COPY source destination [DB destination-db] [REPLACE].
func cmdCopy(c *call) error {
	src, dst := c.args[1], c.args[2]
	db, replace := c.db(), false
	for j := 3; j < len(c.args); j++ {
		switch {
		case eq(c.args[j], "replace"):
			replace = true
		case eq(c.args[j], "db") && j+1 < len(c.args):
			n, err := dbArg(c.args[j+1])
			if err != nil {
				return err
			}
			db, j = n, j+1
		default:
			return errSyntax
		}
	}
	if db == c.db() && bytes.Equal(src, dst) {
		return rerr("ERR source and destination objects are the same")
	}
	return copyKey(c, src, db, dst, replace, false)
}

// copyKey copies (or moves) src of the current database to dst of db and
// answers 1, or 0 when src is missing or dst exists and may not be replaced.
func copyKey(c *call, src []byte, db int, dst []byte, replace, move bool) error {
	v, err := readValue(c, c.db(), src)
	if err != nil || v == nil {
		c.w.int(0)
		return err
	}
	if m, err := c.tx.Meta(db, dst); err != nil || (m != nil && !replace) {
		c.w.int(0)
		return err
	}
	if err := keyspace.CheckLen(dst); err != nil {
		return err
	}
	if err := v.write(c, db, dst); err != nil {
		return err
	}
	c.touch(db, dst)
	if move {
		c.touch(c.db(), src)
		if _, err := c.tx.Delete(c.db(), src); err != nil {
			return err
		}
	}
	c.w.int(1)
	return nil
}

// cmdMove: MOVE key db. The key is not moved over an existing one.
func cmdMove(c *call) error {
	db, err := dbArg(c.args[2])
	if err != nil {
		return err
	}
	if db == c.db() {
		return rerr("ERR source and destination objects are the same")
	}
	return copyKey(c, c.args[1], db, c.args[1], false, true)
}

// randomKeyExact is the database size up to which RANDOMKEY draws uniformly
// (by walking to a random index); above it, it takes the first key after a
// random point, which favours keys after gaps but costs one seek.
const randomKeyExact = 4096

// cmdRandomKey picks a live key of the database, or answers null.
func cmdRandomKey(c *call) error {
	var found []byte
	n, _ := c.tx.Counts(c.db()) // counts expired keys not yet swept
	skip := int64(0)
	var start []byte
	if n > randomKeyExact {
		start = []byte{byte(rand.IntN(256)), byte(rand.IntN(256)), byte(rand.IntN(256))}
	} else if n > 0 {
		skip = rand.Int64N(n)
	}
	seen := int64(0)
	pick := func(k []byte, _ *keyspace.Meta) bool {
		found = bytes.Clone(k)
		seen++
		return seen <= skip
	}
	c.tx.Scan(c.db(), start, pick)
	if found == nil && start != nil {
		c.tx.Scan(c.db(), nil, pick)
	}
	if found == nil {
		c.w.null()
	} else {
		c.w.bulk(found)
	}
	return nil
}

// cmdSwapDB: SWAPDB index1 index2. Watchers of both databases see a change,
// and clients blocked on their keys look again.
func cmdSwapDB(c *call) error {
	var dbs [2]int
	for i, name := range []string{"first", "second"} {
		n, ok := parseInt(c.args[1+i])
		if !ok || n < -1<<31 || n > 1<<31-1 {
			return rerr("ERR invalid " + name + " DB index")
		}
		if n < 0 || n >= keyspace.DBs {
			return errDBRange
		}
		dbs[i] = int(n)
	}
	if err := c.tx.SwapDB(dbs[0], dbs[1]); err != nil {
		return err
	}
	for _, db := range dbs {
		c.s.touchedDB(db)
		c.s.wakeDB(db)
	}
	c.w.ok()
	return nil
}
