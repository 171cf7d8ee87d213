package mirror

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store/keyspace"
)

func args(s string) [][]byte {
	var out [][]byte
	for _, f := range strings.Fields(s) {
		out = append(out, []byte(f))
	}
	return out
}

// TestApplyNoLocalExpiry: a key whose TTL passed by the local clock is
// still there for the stream (the source's DEL removes it), while ordinary
// readers see it expired.
func TestApplyNoLocalExpiry(t *testing.T) {
	st := openStore(t)
	past := strconv.FormatInt(time.Now().Add(-time.Minute).UnixMilli(), 10)
	var skipped []string
	must(t, keyspace.New(st).UpdateNoExpiry(func(tx *keyspace.Tx) error {
		for _, c := range []string{"SET k v PXAT " + past, "APPEND k x", "SELECT 3", "SET three 3", "PING", "MULTI", "EXEC", "XADD s * a 1", "SELECT 99"} {
			db, _, err := applyOne(tx, 0, args(c), false, &skipped)
			if err != nil {
				return err
			}
			if c == "SELECT 3" && db != 3 {
				t.Errorf("SELECT 3 gave db %d", db)
			}
		}
		v, ok, err := tx.GetString(0, []byte("k"))
		if string(v) != "vx" || !ok || err != nil {
			t.Errorf("k = %q %v %v, want vx", v, ok, err)
		}
		return nil
	}))
	if len(skipped) != 2 || !strings.Contains(skipped[0], "XADD") || !strings.Contains(skipped[1], "SELECT") {
		t.Errorf("skipped %q", skipped)
	}
	must(t, keyspace.New(st).View(func(tx *keyspace.Tx) error {
		if _, ok, _ := tx.GetString(0, []byte("k")); ok {
			t.Error("an expired key reads as present outside the mirror")
		}
		return nil
	}))
}

// TestMirrorSkips: kinds the keyspace does not hold (streams) are skipped
// and counted, in the RDB and in the stream, and the rest goes on.
func TestMirrorSkips(t *testing.T) {
	url, src := startSource(t)
	ctx := context.Background()
	must(t, src.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []string{"a", "1"}}).Err())
	must(t, src.Set(ctx, "a", "1", 0).Err())
	st := openStore(t)
	r := start(t, st, url)
	caughtUp(t, r, src)
	must(t, src.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []string{"b", "2"}}).Err())
	must(t, src.Set(ctx, "b", "2", 0).Err())
	caughtUp(t, r, src)
	s := r.m.Status()
	if s.Skipped != 2 || !strings.Contains(s.LastError, "XADD") {
		t.Errorf("status %+v", s)
	}
	must(t, src.Del(ctx, "s").Err())
	caughtUp(t, r, src)
	same(t, url, st)
}
