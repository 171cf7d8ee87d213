package resp

import (
	"github.com/waqhq/waq/store/keyspace"
	"github.com/waqhq/waq/store/rdb"
)

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
