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
	if len(skipped) != 1 || !strings.Contains(skipped[0], "SELECT") {
		t.Errorf("skipped %q", skipped)
	}
	must(t, keyspace.New(st).View(func(tx *keyspace.Tx) error {
		if _, ok, _ := tx.GetString(0, []byte("k")); ok {
			t.Error("an expired key reads as present outside the mirror")
		}
		return nil
	}))
}

// TestMirrorStreams: streams (BullMQ's events) come over in the RDB, with
// their groups and pending entries, and follow the source's XADDs, trims
// and group reads afterwards.
func TestMirrorStreams(t *testing.T) {
	url, src := startSource(t)
	ctx := context.Background()
	must(t, src.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []string{"event", "added", "jobId", "1"}}).Err())
	must(t, src.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-2", Values: []string{"event", "waiting", "jobId", "1", "prev", "added"}}).Err())
	must(t, src.XGroupCreate(ctx, "s", "g", "0").Err())
	must(t, src.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Count: 1}).Err())
	must(t, src.Set(ctx, "a", "1", 0).Err())
	st := openStore(t)
	r := start(t, st, url)
	caughtUp(t, r, src)
	same(t, url, st)
	must(t, src.XAdd(ctx, &redis.XAddArgs{Stream: "s", MaxLen: 2, Approx: true, Values: []string{"event", "completed"}}).Err())
	must(t, src.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "d", Streams: []string{"s", ">"}}).Err())
	must(t, src.XAdd(ctx, &redis.XAddArgs{Stream: "s", MaxLen: 1, Values: []string{"event", "drained"}}).Err())
	caughtUp(t, r, src)
	if s := r.m.Status(); s.Skipped != 0 {
		t.Errorf("status %+v", s)
	}
	same(t, url, st)
	recentDeliveries(t, st, "s", "g")
	must(t, src.Del(ctx, "s").Err())
	caughtUp(t, r, src)
	same(t, url, st)
}
