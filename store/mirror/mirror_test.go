package mirror

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store/keyspace"
)

// fill writes keys of every type and encoding into databases 0 and 1:
// small and large hashes, lists, int and string sets, small (listpack) and
// large (skiplist) sorted sets with BullMQ's ms*4096+n scores, TTLs.
func fill(t *testing.T, url, tag string) {
	t.Helper()
	ctx := context.Background()
	for db := range 2 {
		c := client(t, url, db)
		p := c.Pipeline()
		p.Set(ctx, tag+"str", "v"+tag, 0)
		p.Set(ctx, tag+"int", 12345, 0)
		p.Set(ctx, tag+"ttl", "x", time.Hour)
		p.HSet(ctx, tag+"h", "a", "1", "b", "two")
		p.RPush(ctx, tag+"l", "a", "b", "c")
		p.SAdd(ctx, tag+"si", 1, 2, 3)
		p.SAdd(ctx, tag+"ss", "x", "y")
		p.ZAdd(ctx, tag+"z", redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: -2, Member: "b"})
		p.Expire(ctx, tag+"h", time.Hour)
		ms := float64(time.Now().UnixMilli())
		for i := range 300 {
			p.HSet(ctx, tag+"bigh", fmt.Sprint("f", i), strings.Repeat("v", i))
			p.RPush(ctx, tag+"bigl", fmt.Sprint(i))
			p.SAdd(ctx, tag+"bigs", fmt.Sprint("m", i))
			p.ZAdd(ctx, tag+"delayed", redis.Z{Score: ms*4096 + float64(i), Member: fmt.Sprint(i)})
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// churn writes through the stream every kind of change the source
// propagates: plain writes, EXPIRE (as PEXPIREAT), SET EX (as SET PXAT),
// DEL, MULTI/EXEC, a two-write EVAL, and a switch of database.
func churn(t *testing.T, url, tag string) {
	t.Helper()
	ctx := context.Background()
	c0, c1 := client(t, url, 0), client(t, url, 1)
	ms := float64(time.Now().UnixMilli())
	must(t, c0.Set(ctx, tag+"s", "1", 0).Err())
	must(t, c0.Set(ctx, tag+"sex", "1", 50*time.Second).Err())
	must(t, c0.HSet(ctx, tag+"h", "f", "v").Err())
	must(t, c0.LPush(ctx, tag+"l", "x", "y").Err())
	must(t, c0.ZAdd(ctx, tag+"z", redis.Z{Score: ms*4096 + 7, Member: "j7"}).Err())
	must(t, c0.Expire(ctx, tag+"h", time.Hour).Err())
	must(t, c0.Del(ctx, "str").Err())
	must(t, c0.Incr(ctx, tag+"n").Err())
	must(t, c0.IncrByFloat(ctx, tag+"f", 1.5).Err())
	_, err := c0.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, tag+"tx", "a", "b")
		p.HIncrBy(ctx, tag+"txh", "n", 3)
		p.ZRem(ctx, "delayed", "5")
		return nil
	})
	must(t, err)
	must(t, c0.Eval(ctx, "redis.call('hincrby', KEYS[1], 'n', 1); redis.call('zadd', KEYS[2], 3, 'm'); return 1", []string{tag + "lh", tag + "lz"}).Err())
	must(t, c1.Set(ctx, tag+"one", "1", 0).Err())
	must(t, c1.LPop(ctx, "bigl").Err())
	must(t, c0.Set(ctx, tag+"back", "0", 0).Err())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestMirrorSync loads a full copy, with the diskless (EOF marker) transfer
// and with a sized RDB bulk, then follows the stream.
func TestMirrorSync(t *testing.T) {
	for _, diskless := range []string{"yes", "no"} {
		t.Run("diskless="+diskless, func(t *testing.T) {
			url, src := startSource(t, "--repl-diskless-sync", diskless)
			fill(t, url, "")
			st := openStore(t)
			r := start(t, st, url)
			caughtUp(t, r, src)
			same(t, url, st)
			churn(t, url, "c")
			caughtUp(t, r, src)
			same(t, url, st)
			if s := r.m.Status(); s.FullSyncs != 1 || s.Skipped != 0 || s.LastError != "" {
				t.Errorf("status %+v", s)
			}
			keys, err := r.m.Keys()
			if want := client(t, url, 0).DBSize(context.Background()).Val() + client(t, url, 1).DBSize(context.Background()).Val(); err != nil || keys != want {
				t.Errorf("Keys = %d, %v; want %d", keys, err, want)
			}
		})
	}
}

// TestMirrorResume stops a mirror, writes on the source, and restarts it:
// it resumes with +CONTINUE (no second full sync), in the database it was
// in, and catches up. An unknown replication id falls back to a full sync.
func TestMirrorResume(t *testing.T) {
	url, src := startSource(t)
	fill(t, url, "")
	st := openStore(t)
	r := start(t, st, url)
	caughtUp(t, r, src)
	churn(t, url, "a") // ends in db 0 after a write in db 1
	must(t, client(t, url, 1).Set(context.Background(), "last1", "x", 0).Err())
	caughtUp(t, r, src)
	r.halt(t)

	churn(t, url, "b")
	must(t, client(t, url, 1).HSet(context.Background(), "after", "f", "v").Err())
	r = start(t, st, url)
	caughtUp(t, r, src)
	same(t, url, st)
	if s := r.m.Status(); s.FullSyncs != 0 || s.Continues != 1 {
		t.Fatalf("restart did not resume: %+v", s)
	}
	r.halt(t)

	must(t, keyspace.New(st).Update(func(tx *keyspace.Tx) error {
		s, _, err := tx.MirrorState()
		s.ReplID = strings.Repeat("0", 40)
		return errorsJoin(err, tx.SetMirrorState(s))
	}))
	churn(t, url, "c")
	r = start(t, st, url)
	caughtUp(t, r, src)
	same(t, url, st)
	if s := r.m.Status(); s.FullSyncs != 1 || s.Continues != 0 {
		t.Fatalf("unknown replid did not fall back to a full sync: %+v", s)
	}
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// TestMirrorReconnect: when the source drops the replica, the mirror
// reconnects, resumes with +CONTINUE and catches up; a full RDB of several
// load batches arrives whole.
func TestMirrorReconnect(t *testing.T) {
	url, src := startSource(t)
	fill(t, url, "")
	ctx := context.Background()
	p := src.Pipeline()
	for i := range 3*loadBatch + 7 {
		p.Set(ctx, fmt.Sprint("k", i), i, 0)
	}
	_, err := p.Exec(ctx)
	must(t, err)
	st := openStore(t)
	r := start(t, st, url)
	caughtUp(t, r, src)
	if n, err := src.Do(ctx, "CLIENT", "KILL", "TYPE", "replica").Int(); err != nil || n != 1 {
		t.Fatalf("CLIENT KILL = %d, %v", n, err)
	}
	churn(t, url, "r")
	caughtUp(t, r, src)
	same(t, url, st)
	if s := r.m.Status(); s.FullSyncs != 1 || s.Continues != 1 {
		t.Fatalf("status after reconnect %+v", s)
	}
}
