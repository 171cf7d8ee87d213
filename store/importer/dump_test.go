package importer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store/keyspace"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func zs(score float64, m string) redis.Z { return redis.Z{Score: score, Member: m} }

func xadd(key string) *redis.XAddArgs {
	return &redis.XAddArgs{Stream: key, Values: []string{"event", "added"}}
}

// dump renders database db of the keyspace as "key=value" words in key
// order, for comparing with what the source held.
func dump(t testing.TB, tx *keyspace.Tx, db int) string {
	var out []string
	tx.Scan(db, nil, func(key []byte, m *keyspace.Meta) bool {
		out = append(out, string(key)+"="+render(t, tx, db, key, m))
		return true
	})
	return strings.Join(out, " ")
}

func render(t testing.TB, tx *keyspace.Tx, db int, key []byte, m *keyspace.Meta) string {
	var parts []string
	var err error
	var open, close string
	switch m.Type {
	case keyspace.String:
		return string(m.Value)
	case keyspace.Hash:
		open, close = "hash{", "}"
		err = tx.HAll(db, key, func(f, v []byte) bool { parts = append(parts, string(f)+":"+string(v)); return true })
	case keyspace.List:
		open, close = "list[", "]"
		parts, err = listAll(tx, db, key)
	case keyspace.Set:
		open, close = "set{", "}"
		err = tx.SScan(db, key, nil, func(v []byte) bool { parts = append(parts, string(v)); return true })
	case keyspace.ZSet:
		open, close = "zset[", "]"
		err = tx.ZWalk(db, key, false, nil, func(v []byte, s float64) bool { parts = append(parts, fmt.Sprintf("%s:%g", v, s)); return true })
	}
	must(t, err)
	return open + strings.Join(parts, " ") + close
}
