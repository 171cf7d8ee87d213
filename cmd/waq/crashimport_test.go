package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store/redistest"
)

// Size of the crash suite's source Redis: enough plain keys that an import
// takes several SCAN pages and commits (a kill lands inside one), and a few
// BullMQ-shaped jobs per queue, written by hand as BullMQ stores them
// (store/importer's TestBullMQ covers the real bullmq package).
const (
	crashFillerKeys = 2000
	crashQueueJobs  = 20
)

// crashRedis is the Redis the suite imports from: a real redis-server.
type crashRedis struct {
	url string
	c   *redis.Client

	mu       sync.Mutex
	written  []string // idempotency keys of the jobs written, bullmq:<queue>:<id>
	imported int      // how many of written an acknowledged import covered
	queues   int
}

func newCrashRedis(t *testing.T) *crashRedis {
	t.Helper()
	addr := redistest.Start(t)
	r := &crashRedis{url: "redis://" + addr, c: redis.NewClient(&redis.Options{Addr: addr})}
	t.Cleanup(func() { r.c.Close() })
	ctx := context.Background()
	p := r.c.Pipeline()
	for i := range crashFillerKeys {
		p.Set(ctx, "crm:contact:"+strconv.Itoa(i), fmt.Sprintf(`{"id":%d,"name":"Cliente %d"}`, i, i), 0)
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatalf("fill redis: %v", err)
	}
	return r
}

// writeQueue adds a BullMQ queue whose jobs wait, for recipients from l.
func (r *crashRedis) writeQueue(l *loads) error {
	ctx := context.Background()
	r.mu.Lock()
	r.queues++
	q := fmt.Sprintf("crash%d", r.queues)
	r.mu.Unlock()
	p := r.c.TxPipeline()
	p.HSet(ctx, "bull:"+q+":meta", "version", "bullmq:5.81.5")
	var keys []string
	for id := 1; id <= crashQueueJobs; id++ {
		it := l.message()
		p.HSet(ctx, fmt.Sprintf("bull:%s:%d", q, id), "name", "send", "timestamp", "1764930000000",
			"data", fmt.Sprintf(`{"to":%q,"text":%q}`, it.To, it.Text), "opts", `{"attempts":3}`)
		p.LPush(ctx, "bull:"+q+":wait", id)
		keys = append(keys, fmt.Sprintf("bullmq:%s:%d", q, id))
	}
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("write queue %s: %w", q, err)
	}
	r.mu.Lock()
	r.written = append(r.written, keys...)
	r.mu.Unlock()
	return nil
}

// importOnce posts an import of the whole source; when waq acknowledges it,
// every job written before the request is in the ledger.
func (l *loads) importOnce(ctx context.Context, c *child, _ *rand.Rand) {
	r := l.redis
	r.mu.Lock()
	n := len(r.written)
	r.mu.Unlock()
	var res struct{ Keys int }
	if !l.post(ctx, c.url+"/v1/admin/import", nil, map[string]string{"url": r.url}, &res) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if n > r.imported {
		l.led.mu.Lock()
		l.led.jobs = append(l.led.jobs, r.written[r.imported:n]...)
		l.led.mu.Unlock()
		r.imported = n
	}
}

// cutover posts a cutover; when waq acknowledges it, the jobs of the imports
// acknowledged before it may no longer be held.
func (l *loads) cutover(ctx context.Context, c *child, _ *rand.Rand) {
	l.led.mu.Lock()
	n := len(l.led.jobs)
	l.led.mu.Unlock()
	var res struct{ Released int }
	if !l.post(ctx, c.url+"/v1/admin/cutover", nil, struct{}{}, &res) {
		return
	}
	l.led.mu.Lock()
	l.led.cutover = max(l.led.cutover, n)
	l.led.mu.Unlock()
}
