package resp

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func newGoRedis(t *testing.T, addr, password string, db int) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, Password: password, DB: db})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// TestGoRedis connects with go-redis v9 (HELLO 3: RESP3, AUTH,
// SELECT, CLIENT SETINFO) and runs typed commands, a pipeline and a MULTI.
func TestGoRedis(t *testing.T) {
	addr, _ := startWaq(t, Options{Password: "secret"})
	ctx := context.Background()
	rdb := newGoRedis(t, addr, "secret", 1)
	if err := rdb.Set(ctx, "k", "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := rdb.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("get: %q %v", v, err)
	}
	if _, err := rdb.Get(ctx, "missing").Result(); err != redis.Nil {
		t.Fatalf("missing: %v", err)
	}
	pipe := rdb.Pipeline()
	for i := 0; i < 100; i++ {
		pipe.Incr(ctx, "n")
		pipe.ZAdd(ctx, "z", redis.Z{Score: float64(i), Member: strconv.Itoa(i)})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Get(ctx, "n").Int(); n != 100 {
		t.Fatalf("n = %d", n)
	}
	_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HIncrBy(ctx, "h", "f", 2)
		p.Expire(ctx, "h", time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	zs, err := rdb.ZRangeByScoreWithScores(ctx, "z", &redis.ZRangeBy{Min: "10", Max: "12"}).Result()
	if err != nil || len(zs) != 3 || zs[0].Score != 10 {
		t.Fatalf("zrange: %v %v", zs, err)
	}
	if n, _ := newGoRedis(t, addr, "secret", 0).DBSize(ctx).Result(); n != 0 {
		t.Fatalf("db 0 has %d keys", n)
	}
	if err := newGoRedis(t, addr, "wrong", 0).Ping(ctx).Err(); err == nil {
		t.Fatal("a wrong password was accepted")
	}
}

// TestGoRedisWatch checks that a write by another client fails EXEC.
func TestGoRedisWatch(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	ctx := context.Background()
	a, b := newGoRedis(t, addr, "", 0), newGoRedis(t, addr, "", 0)
	err := a.Watch(ctx, func(tx *redis.Tx) error {
		if err := b.Set(ctx, "w", "other", 0).Err(); err != nil {
			return err
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "w", "mine", 0)
			return nil
		})
		return err
	}, "w")
	if err != redis.TxFailedErr {
		t.Fatalf("watch: %v, want TxFailedErr", err)
	}
	if v, _ := a.Get(ctx, "w").Result(); v != "other" {
		t.Fatalf("w = %q", v)
	}
}

// TestAnalyticsScript runs the shape of the analytics code unchanged:
// counters, hash counters, time-scored sorted sets with TTLs, range reads.
func TestAnalyticsScript(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	ctx := context.Background()
	rdb := newGoRedis(t, addr, "", 1)
	now := time.Now().UnixMilli()
	for i := 0; i < 50; i++ {
		p := rdb.Pipeline()
		p.Incr(ctx, "stats:sent:total")
		p.HIncrBy(ctx, "stats:sent:by_campaign", "c"+strconv.Itoa(i%3), 1)
		p.ZAdd(ctx, "events:sent", redis.Z{Score: float64(now + int64(i)), Member: "m" + strconv.Itoa(i)})
		p.Expire(ctx, "events:sent", 7*24*time.Hour)
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := rdb.ZRangeByScore(ctx, "events:sent", &redis.ZRangeBy{
		Min: strconv.FormatInt(now+10, 10), Max: "(" + strconv.FormatInt(now+20, 10)}).Result()
	if err != nil || len(ms) != 10 || ms[0] != "m10" {
		t.Fatalf("range: %v %v", ms, err)
	}
	if h, _ := rdb.HGetAll(ctx, "stats:sent:by_campaign").Result(); h["c0"] != "17" {
		t.Fatalf("hash: %v", h)
	}
	if ttl, _ := rdb.TTL(ctx, "events:sent").Result(); ttl < 6*24*time.Hour {
		t.Fatalf("ttl %v", ttl)
	}
}
