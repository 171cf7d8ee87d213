package resp

import "github.com/waqhq/waq/store/keyspace"

// touchExisting marks the watchers of the keys of db (-1: every database)
// that exist, as Redis's FLUSHDB and FLUSHALL do: flushing a watched key
// that was missing changes nothing for its watcher.
func (c *call) touchExisting(db int) {
	c.s.mu.Lock()
	keys := make([]string, 0, len(c.s.watch))
	for k := range c.s.watch {
		keys = append(keys, k)
	}
	c.s.mu.Unlock()
	for _, k := range keys {
		kdb, key := int(k[0]-'0'), []byte(k[2:])
		if db >= 0 && kdb != db {
			continue
		}
		if m, _ := c.tx.Meta(kdb, key); m != nil {
			c.s.touched(kdb, key)
		}
	}
}

// watchExpiries records when the keys being watched expire (0: never, or
// missing), for expiredSince.
func (c *call) watchExpiries(keys [][]byte) map[string]int64 {
	out := map[string]int64{}
	c.s.ks.View(func(tx *keyspace.Tx) error {
		for _, k := range keys {
			if m, _ := tx.Meta(c.db(), k); m != nil && m.ExpireAt != 0 {
				out[watchKey(c.db(), k)] = m.ExpireAt
			}
		}
		return nil
	})
	return out
}

// expiredSince reports whether a key cl watches expired after WATCH: Redis
// 7.0 fails EXEC then, as for a write.
func (cl *client) expiredSince(tx *keyspace.Tx) bool {
	for _, at := range cl.watchExp {
		if at <= tx.Now() {
			return true
		}
	}
	return false
}
