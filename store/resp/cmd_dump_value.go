package resp

import (
	"github.com/waqhq/waq/store/keyspace"
	"github.com/waqhq/waq/store/rdb"
)

// dumpValue reads key's value in db for rdb.Encode; nil when it is missing.
func dumpValue(c *call, db int, key []byte) (*rdb.Value, error) {
	m, err := c.tx.Meta(db, key)
	if err != nil || m == nil {
		return nil, err
	}
	if m.Type == keyspace.Stream {
		return dumpStream(c, db, key)
	}
	v, err := readValue(c, db, key)
	if err != nil || v == nil {
		return nil, err
	}
	return v.rdbValue(), nil
}

// writeRDB stores v at key in db, replacing what was there, expiring at at
// (Unix ms, 0 for never).
func writeRDB(c *call, db int, key []byte, v *rdb.Value, at int64) error {
	if v.Kind != rdb.Stream {
		kv := fromRDB(v)
		kv.expireAt = at
		return kv.write(c, db, key)
	}
	if _, err := c.tx.Delete(db, key); err != nil {
		return err
	}
	if err := restoreStream(c, db, key, v.Stream); err != nil || at == 0 {
		return err
	}
	_, err := c.tx.SetExpire(db, key, at)
	return err
}

// rdbValue converts a value read by readValue for rdb.Encode.
func (v *kvalue) rdbValue() *rdb.Value {
	switch v.typ {
	case keyspace.String:
		return &rdb.Value{Kind: rdb.String, Str: v.str}
	case keyspace.List:
		return &rdb.Value{Kind: rdb.List, Elems: v.elems}
	case keyspace.Set:
		return &rdb.Value{Kind: rdb.Set, Elems: v.elems}
	case keyspace.Hash:
		return &rdb.Value{Kind: rdb.Hash, Pairs: v.pairs}
	}
	ms := make([]rdb.Member, len(v.zs))
	for i, p := range v.zs {
		ms[i] = rdb.Member{Member: p.m, Score: p.s}
	}
	return &rdb.Value{Kind: rdb.ZSet, Members: ms}
}

// fromRDB converts a decoded payload into a value kvalue.write stores.
func fromRDB(v *rdb.Value) *kvalue {
	switch v.Kind {
	case rdb.String:
		return &kvalue{typ: keyspace.String, str: v.Str}
	case rdb.List:
		return &kvalue{typ: keyspace.List, elems: v.Elems}
	case rdb.Set:
		return &kvalue{typ: keyspace.Set, elems: v.Elems}
	case rdb.Hash:
		return &kvalue{typ: keyspace.Hash, pairs: v.Pairs}
	}
	zs := make([]zpair, len(v.Members))
	for i, m := range v.Members {
		zs[i] = zpair{m.Member, m.Score}
	}
	return &kvalue{typ: keyspace.ZSet, zs: zs}
}

// subkeys are the fields and members that become bbolt keys next to the
// key, for keyspace.CheckLen.
func (v *kvalue) subkeys() [][]byte {
	switch v.typ {
	case keyspace.Set:
		return v.elems
	case keyspace.Hash:
		out := make([][]byte, len(v.pairs))
		for i, p := range v.pairs {
			out[i] = p[0]
		}
		return out
	case keyspace.ZSet:
		out := make([][]byte, len(v.zs))
		for i, p := range v.zs {
			out[i] = p.m
		}
		return out
	}
	return nil
}
