package importer

import (
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store/keyspace"
)

// write stores vals in database db in one commit, each replacing the local
// key of its name. Keyspace.Update may run the function more than once, so
// it counts into a fresh Result and adds that after the commit.
func (im *Importer) write(db int, vals []value, res *Result) error {
	expireBase := im.now().UnixMilli()
	var got Result
	err := im.ks.Update(func(t *keyspace.Tx) error {
		got = Result{}
		for _, v := range vals {
			ok, err := put(t, db, v, expireBase)
			if err != nil {
				return fmt.Errorf("key %q: %w", v.key, err)
			}
			if ok {
				got.Keys++
			} else if v.typ != "none" {
				got.SkippedKeys++
				got.note("db %d key %q: %s not copied", db, v.key, v.typ)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	res.Keys += got.Keys
	res.SkippedKeys += got.SkippedKeys
	for _, n := range got.Notes {
		res.note("%s", n)
	}
	return nil
}

// put writes one key and reports whether it was copied: not for streams and
// other types the keyspace lacks, keys over MaxKeyLen, keys gone since SCAN.
func put(t *keyspace.Tx, db int, v value, now int64) (bool, error) {
	k := []byte(v.key)
	if v.cmd == nil || v.cmd.Err() != nil || keyspace.CheckLen(k) != nil {
		return false, nil
	}
	if _, err := t.Delete(db, k); err != nil {
		return false, err
	}
	var expireAt int64
	if v.pttl > 0 {
		expireAt = now + v.pttl.Milliseconds()
	}
	n, err := putValue(t, db, k, v.cmd)
	if errors.Is(err, keyspace.ErrKeyTooLong) {
		_, err = t.Delete(db, k) // drop what the long member left half written
		return false, err
	}
	if err != nil || n == 0 {
		return false, err
	}
	if expireAt != 0 {
		_, err = t.SetExpire(db, k, expireAt)
	}
	return err == nil, err
}

// putValue writes the value a typed read returned and returns how many
// elements it wrote (1 for a string).
func putValue(t *keyspace.Tx, db int, k []byte, c redis.Cmder) (int, error) {
	n := 0
	var err error
	switch c := c.(type) {
	case *redis.StringCmd:
		return 1, t.SetString(db, k, []byte(c.Val()), 0, false)
	case *redis.KeyValueSliceCmd: // HGETALL, in the source's order
		for _, kv := range c.Val() {
			if err == nil {
				_, err = t.HSet(db, k, []byte(kv.Key), []byte(kv.Value))
				n++
			}
		}
	case *redis.StringSliceCmd: // a list or a set: TYPE told which
		n, err = putSlice(t, db, k, c)
	case *redis.ZSliceCmd:
		for _, z := range c.Val() {
			if err == nil {
				_, err = t.ZAdd(db, k, []byte(z.Member.(string)), z.Score)
				n++
			}
		}
	}
	return n, err
}

func putSlice(t *keyspace.Tx, db int, k []byte, c *redis.StringSliceCmd) (int, error) {
	isSet := c.Name() == "smembers"
	for i, v := range c.Val() {
		var err error
		if isSet {
			_, err = t.SAdd(db, k, []byte(v))
		} else {
			_, err = t.LPush(db, k, []byte(v), false)
		}
		if err != nil {
			return i, err
		}
	}
	return len(c.Val()), nil
}
