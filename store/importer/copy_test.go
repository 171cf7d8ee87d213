package importer

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

// TestCopyKeys copies plain keys of every type from two databases and
// compares the keyspace with the source.
func TestCopyKeys(t *testing.T) {
	url, _ := startRedis(t)
	ctx := context.Background()
	c0, c3 := redisClient(t, url+"/0"), redisClient(t, url+"/3")
	must(t, c0.Set(ctx, "str", "v", 0).Err())
	must(t, c0.Set(ctx, "ttl", "x", time.Hour).Err())
	must(t, c0.HSet(ctx, "h", "f3", "c", "f2", "b", "f1", "a", "f0", "z").Err()) // insertion order, not byte order
	must(t, c0.RPush(ctx, "l", "1", "2", "3").Err())
	must(t, c0.SAdd(ctx, "s", "x", "y").Err())
	must(t, c0.ZAdd(ctx, "z", zs(2.5, "b"), zs(-1, "a")).Err())
	must(t, c0.XAdd(ctx, xadd("stream")).Err())
	must(t, c3.Set(ctx, "other", "db3", 0).Err())
	clk := timetest.ClockAt(time.Now())
	st := openStore(t, clk.Now)
	im := New(st)
	im.Now = clk.Now
	res, err := im.Import(ctx, Request{URL: url})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Keys != 7 || res.SkippedKeys != 1 || res.Jobs != 0 {
		t.Fatalf("result %+v, want 7 keys, 1 skipped (the stream), 0 jobs", res)
	}
	err = keyspace.New(st).View(func(tx *keyspace.Tx) error {
		got := dump(t, tx, 0)
		want := "h=hash{f3:c f2:b f1:a f0:z} l=list[1 2 3] s=set{x y} str=v ttl=x z=zset[a:-1 b:2.5]"
		if got != want {
			t.Errorf("db 0:\n got %s\nwant %s", got, want)
		}
		if got := dump(t, tx, 3); got != "other=db3" {
			t.Errorf("db 3: %s", got)
		}
		m, _ := tx.Meta(0, []byte("ttl"))
		if d := m.ExpireAt - clk.Now().UnixMilli(); d < 3590e3 || d > 3600e3 {
			t.Errorf("ttl key expires in %d ms, want about an hour", d)
		}
		return nil
	})
	must(t, err)

	// Only the chosen database, and copying again replaces rather than appends.
	must(t, c0.RPush(ctx, "l", "4").Err())
	res, err = im.Import(ctx, Request{URL: url, DBs: []int{0}})
	if err != nil || res.Keys != 6 {
		t.Fatalf("second import %+v, %v", res, err)
	}
	must(t, keyspace.New(st).View(func(tx *keyspace.Tx) error {
		if got := dump(t, tx, 0); !strings.Contains(got, "l=list[1 2 3 4]") {
			t.Errorf("after re-import: %s", got)
		}
		return nil
	}))
}

// TestBadSource checks that each wrong source gives a clear error and
// writes nothing.
func TestBadSource(t *testing.T) {
	url, _ := startRedis(t)
	notRedis := listenHTTP(t)
	f := func(req Request, code, text string) {
		t.Helper()
		st := openStore(t, nil)
		_, err := New(st).Import(context.Background(), req)
		if store.ErrorCode(err) != code || !strings.Contains(err.Error(), text) {
			t.Errorf("%+v: err %v, want %s containing %q", req, err, code, text)
		}
		must(t, keyspace.New(st).View(func(tx *keyspace.Tx) error {
			for db := range keyspace.DBs {
				if n, _ := tx.Counts(db); n != 0 {
					t.Errorf("%+v: db %d holds %d keys after a failed import", req, db, n)
				}
			}
			return nil
		}))
	}
	f(Request{URL: "http://example.com"}, store.EINVALID, "must be a Redis URL")
	f(Request{URL: "not a url"}, store.EINVALID, "must be a Redis URL")
	f(Request{URL: url + "/99"}, store.EINVALID, "")
	f(Request{URL: url, DBs: []int{16}}, store.EINVALID, "out of range")
	f(Request{URL: fmt.Sprintf("redis://127.0.0.1:%d", freePort(t))}, store.EUNAVAILABLE, "cannot reach Redis")
	f(Request{URL: "redis://" + notRedis}, store.EUNAVAILABLE, "cannot reach Redis")
}

// listenHTTP answers every connection with an HTTP error, as a web server
// at a wrong port would.
func listenHTTP(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
			c.Close()
		}
	}()
	return l.Addr().String()
}
