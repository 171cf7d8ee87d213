package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// bulkBatch and bulkClients shape the bulk figure: 1000 messages a request,
// 4 requests in flight.
const (
	bulkBatch   = 1000
	bulkClients = 4
)

// sideSizes holds what one side measured around a bulk fill.
type sideSizes struct {
	rate             float64
	disk, diskSettle int64 // bytes on disk after the fill, and once compacted
	mem, rss         int64 // bytes of memory the fill added
}

// fill queues Bulk messages with POST /v1/messages/bulk against addBulk,
// then measures the disk and memory they take on each side: the bulk and
// memory figures.
func (b *bench) fill(ctx context.Context) ([]result, error) {
	n := b.sizes.Bulk
	var w, q sideSizes
	err := b.waqSide(ctx, 5, true, func(s *waqServer, _ *standIn) error {
		var err error
		w, err = b.fillWaq(ctx, s, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = b.bullSide(ctx, func(r *redisServer, _ *standIn) error {
		var err error
		q, err = b.fillBull(ctx, r, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	per := func(v int64) float64 { return float64(v) / float64(n) }
	return []result{
		{Figure: fmt.Sprintf("bulk enqueue, %d per request, %d clients", bulkBatch, bulkClients), Unit: "msg/s", N: n,
			Waq: w.rate, BullMQ: q.rate, Higher: true},
		{Figure: "disk per queued message: waq.db / AOF", Unit: "B", N: n, Waq: per(w.disk), BullMQ: per(q.disk)},
		{Figure: "disk per queued message: waq.db / AOF after BGREWRITEAOF", Unit: "B", N: n, Waq: per(w.diskSettle), BullMQ: per(q.diskSettle)},
		{Figure: "memory per queued message: RssAnon delta / used_memory delta", Unit: "B", N: n, Waq: per(w.rss), BullMQ: per(q.mem)},
		{Figure: "memory per queued message: RssAnon delta of each process", Unit: "B", N: n, Waq: per(w.rss), BullMQ: per(q.rss)},
	}, nil
}

func (b *bench) fillWaq(ctx context.Context, s *waqServer, n int) (sideSizes, error) {
	var z sideSizes
	rss0, err := statusKB(s.proc.pid(), "RssAnon")
	if err != nil {
		return z, err
	}
	stop := s.profile(ctx, b.pprofDir, "bulk")
	d, err := inFlight(ctx, n, bulkClients, bulkBatch, s.enqueueBulk)
	if err := errors.Join(err, stop()); err != nil {
		return z, err
	}
	z.rate = rate(n, d)
	rss1, err := settledKB(ctx, s.proc.pid())
	if err != nil {
		return z, err
	}
	z.rss = rss1 - rss0
	z.disk, err = s.dbSize()
	z.diskSettle = z.disk // every commit is in place: there is nothing to compact
	return z, err
}

func (b *bench) fillBull(ctx context.Context, r *redisServer, n int) (sideSizes, error) {
	var z sideSizes
	used0, err := r.usedMemory(ctx)
	if err != nil {
		return z, err
	}
	rss0, err := statusKB(r.proc.pid(), "RssAnon")
	if err != nil {
		return z, err
	}
	var out elapsedResult
	opts := map[string]int{"count": n, "clients": bulkClients, "batch": bulkBatch}
	if err := b.nodeResult(ctx, r, "bulk", opts, &out); err != nil {
		return z, err
	}
	z.rate = rate(n, time.Duration(out.ElapsedMS*float64(time.Millisecond)))
	used1, err := r.usedMemory(ctx)
	if err != nil {
		return z, err
	}
	rss1, err := statusKB(r.proc.pid(), "RssAnon")
	if err != nil {
		return z, err
	}
	z.mem, z.rss = used1-used0, rss1-rss0
	if z.disk, err = r.aofSize(); err != nil {
		return z, err
	}
	if err := r.rewriteAOF(ctx); err != nil {
		return z, err
	}
	z.diskSettle, err = r.aofSize()
	return z, err
}

// settledKB reads a process's RssAnon once it stops falling: right after a
// fill, Go's heap still holds the garbage of the requests, which its
// scavenger returns to the system over the next seconds. It polls for at
// most settleMax and returns the lowest value seen.
func settledKB(ctx context.Context, pid int) (int64, error) {
	low, err := statusKB(pid, "RssAnon")
	for flat, deadline := 0, time.Now().Add(settleMax); err == nil && flat < 4 && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return low, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
		var kb int64
		if kb, err = statusKB(pid, "RssAnon"); kb < low {
			low, flat = kb, 0
		} else {
			flat++
		}
	}
	return low, err
}

// settleMax bounds the wait for a process's memory to settle after a fill.
const settleMax = 20 * time.Second
