package keyspace

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// SwapDB exchanges every key of databases a and b, with their TTLs and
// counts (SWAPDB). It rewrites both databases' records, so it costs their
// size, and holds them in memory while it does.
func (t *Tx) SwapDB(a, b int) error {
	if a == b {
		return nil
	}
	for _, bk := range []*bolt.Bucket{t.meta, t.sub, t.zidx} {
		if err := swapFirstByte(bk, byte(a), byte(b)); err != nil {
			return err
		}
	}
	if err := t.swapExpiries(byte(a), byte(b)); err != nil {
		return err
	}
	ca, cb := bytes.Clone(t.dbsb.Get([]byte{byte(a)})), bytes.Clone(t.dbsb.Get([]byte{byte(b)}))
	for _, p := range []struct {
		db byte
		v  []byte
	}{{byte(a), cb}, {byte(b), ca}} {
		var err error
		if p.v == nil {
			err = t.dbsb.Delete([]byte{p.db})
		} else {
			err = t.dbsb.Put([]byte{p.db}, p.v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

type kv struct{ k, v []byte }

// takePrefix removes and returns the records of bk whose keys start with p.
func takePrefix(bk *bolt.Bucket, p []byte) ([]kv, error) {
	var out []kv
	c := bk.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Seek(p) {
		out = append(out, kv{bytes.Clone(k), bytes.Clone(v)})
		if err := c.Delete(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// swapFirstByte moves the records starting with byte a to b and back.
func swapFirstByte(bk *bolt.Bucket, a, b byte) error {
	ra, err := takePrefix(bk, []byte{a})
	if err != nil {
		return err
	}
	rb, err := takePrefix(bk, []byte{b})
	if err != nil {
		return err
	}
	for _, set := range []struct {
		to byte
		rs []kv
	}{{b, ra}, {a, rb}} {
		for _, r := range set.rs {
			r.k[0] = set.to
			if err := bk.Put(r.k, r.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// swapExpiries swaps the database byte of the TTL index (after the time).
func (t *Tx) swapExpiries(a, b byte) error {
	var moved [][]byte
	c := t.exp.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) > 8 && (k[8] == a || k[8] == b) {
			moved = append(moved, bytes.Clone(k))
		}
	}
	for _, k := range moved {
		if err := t.exp.Delete(k); err != nil {
			return err
		}
	}
	for _, k := range moved {
		if k[8] == a {
			k[8] = b
		} else {
			k[8] = a
		}
		if err := t.exp.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}
