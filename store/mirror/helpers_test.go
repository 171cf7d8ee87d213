package mirror

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
	"github.com/waqhq/waq/store/redistest"
)

// openStore opens a real bbolt file in a temp dir, closed when the test ends.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// source starts a redis-server (diskless sync without delay unless args say
// otherwise) and returns its URL and a client of db 0.
func startSource(t *testing.T, args ...string) (string, *redis.Client) {
	t.Helper()
	url := redistest.URL(t, append([]string{"--repl-diskless-sync-delay", "0"}, args...)...)
	return url, client(t, url, 0)
}

func client(t *testing.T, url string, db int) *redis.Client {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	o.DB = db
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

// running is a mirror started in the background.
type running struct {
	m    *Mirror
	stop context.CancelFunc
	done chan error
	once sync.Once
}

// start runs a mirror of url into st until the test ends or stop.
func start(t *testing.T, st *store.Store, url string) *running {
	t.Helper()
	m, err := New(st, Options{URL: url, AckEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{m: m, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- m.Run(ctx) }()
	t.Cleanup(func() { r.halt(t) })
	return r
}

// halt stops the mirror and waits for Run to return nil.
func (r *running) halt(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		r.stop()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("mirror did not stop")
		}
	})
}

// caughtUp waits until the mirror has applied every byte the source has
// written to its stream.
func caughtUp(t *testing.T, r *running, src *redis.Client) {
	t.Helper()
	end := time.Now().Add(30 * time.Second)
	for {
		info, err := src.Info(context.Background(), "replication").Result()
		if err != nil {
			t.Fatal(err)
		}
		want := infoInt(info, "master_repl_offset")
		s := r.m.Status()
		if s.State == StateStreaming && s.Offset == want {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("mirror not caught up: %+v, source offset %d", s, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func infoInt(info, field string) int64 {
	if n, ok := infoField(info, field); ok {
		return n
	}
	return -1
}

// dump describes every key of the source's databases 0 and 1 as
// "db key type ttl? value".
func sourceDump(t *testing.T, url string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for db := range 2 {
		c := client(t, url, db)
		keys, err := c.Keys(ctx, "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			typ := c.Type(ctx, k).Val()
			var v any
			switch typ {
			case "string":
				v = c.Get(ctx, k).Val()
			case "hash":
				v = sortedMap(c.HGetAll(ctx, k).Val())
			case "list":
				v = c.LRange(ctx, k, 0, -1).Val()
			case "set":
				m := c.SMembers(ctx, k).Val()
				slices.Sort(m)
				v = m
			case "zset":
				v = zdesc(c.ZRangeWithScores(ctx, k, 0, -1).Val())
			case "stream":
				v = sourceStream(t, c, k)
			}
			ttl := c.PTTL(ctx, k).Val() > 0
			out = append(out, fmt.Sprintf("%d %q %s ttl=%v %v", db, k, typ, ttl, v))
		}
	}
	slices.Sort(out)
	return out
}

func sortedMap(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

func zdesc(zs []redis.Z) []string {
	var out []string
	for _, z := range zs {
		out = append(out, fmt.Sprintf("%v:%s", z.Member, strconv.FormatFloat(z.Score, 'g', -1, 64)))
	}
	return out
}

// localDump describes the local keyspace as sourceDump does the source.
func localDump(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	err := keyspace.New(st).View(func(tx *keyspace.Tx) error {
		for db := range 2 {
			var keys [][]byte
			var metas []*keyspace.Meta
			tx.Scan(db, nil, func(k []byte, m *keyspace.Meta) bool {
				keys, metas = append(keys, k), append(metas, m)
				return true
			})
			for i, k := range keys {
				v, err := localValue(tx, db, k, metas[i].Type, metas[i].Size)
				if err != nil {
					return err
				}
				out = append(out, fmt.Sprintf("%d %q %s ttl=%v %v", db, k, metas[i].Type, metas[i].ExpireAt != 0, v))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func localValue(tx *keyspace.Tx, db int, k []byte, typ keyspace.Type, size int64) (any, error) {
	var items []string
	var err error
	switch typ {
	case keyspace.String:
		v, _, err := tx.GetString(db, k)
		return string(v), err
	case keyspace.Hash:
		err = tx.HScan(db, k, nil, func(f, v []byte) bool { items = append(items, string(f)+"="+string(v)); return true })
		slices.Sort(items)
	case keyspace.List:
		err = tx.LRange(db, k, 0, size-1, func(v []byte) bool { items = append(items, string(v)); return true })
	case keyspace.Set:
		err = tx.SScan(db, k, nil, func(m []byte) bool { items = append(items, string(m)); return true })
		slices.Sort(items)
	case keyspace.Stream:
		return localStream(tx, db, k)
	case keyspace.ZSet:
		err = tx.ZWalk(db, k, false, nil, func(m []byte, s float64) bool {
			items = append(items, string(m)+":"+strconv.FormatFloat(s, 'g', -1, 64))
			return true
		})
	}
	return items, err
}

// same fails the test when the local keyspace differs from the source,
// listing the lines only one side has.
func same(t *testing.T, url string, st *store.Store) {
	t.Helper()
	want, got := sourceDump(t, url), localDump(t, st)
	if slices.Equal(want, got) {
		return
	}
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			b.WriteString("only on the source: " + trunc(w, 300) + "\n")
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			b.WriteString("only local: " + trunc(g, 300) + "\n")
		}
	}
	t.Fatalf("keyspace differs from the source (%d and %d keys):\n%s", len(want), len(got), b.String())
}
