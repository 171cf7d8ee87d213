package resp

import "github.com/waqhq/waq/store/keyspace"

// count answers with how many of items fn reports true for: DEL, EXISTS,
// HDEL, SADD, SREM, ZREM. It stops at fn's first error, which (in a
// transaction) rolls back what the earlier items did.
func count(c *call, items [][]byte, fn func(db int, item []byte) (bool, error)) error {
	n := int64(0)
	for _, it := range items {
		ok, err := fn(c.db(), it)
		if err != nil {
			return err
		}
		if ok {
			n++
		}
	}
	c.w.int(n)
	return nil
}

// countIn is count over the members of the collection at c.args[1], which
// must be of kind k (else WRONGTYPE before anything changes); fn gets the
// key and one member.
func countIn(c *call, k keyspace.Type, fn func(db int, key, member []byte) (bool, error)) error {
	if _, err := c.tx.Len(c.db(), c.args[1], k); err != nil {
		return err
	}
	return count(c, c.args[2:], func(db int, m []byte) (bool, error) { return fn(db, c.args[1], m) })
}
