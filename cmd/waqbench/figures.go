package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// figureTimeout bounds one side of one figure.
const figureTimeout = 15 * time.Minute

// bench holds what every figure needs.
type bench struct {
	tmp      string
	waqBin   string
	redisBin string
	node     *bullMQ
	sizes    sizes
	progress io.Writer
	pprofDir string // -pprof: where waq's CPU profiles go; "" for none
}

// sizes are the message counts of the figures.
type sizes struct {
	Single1  int `json:"single1"`
	Single32 int `json:"single32"`
	Bulk     int `json:"bulk"` // and memory
	Drain    int `json:"drain"`
	Latency  int `json:"latency"`
}

// sizesFor scales every figure from n, the messages queued for the bulk
// and memory figures; 200 000 gives the full sizes.
func sizesFor(n int) sizes {
	return sizes{Single1: max(n/40, 20), Single32: max(n/4, 64), Bulk: max(n, 1),
		Drain: max(n/20, 50), Latency: max(n/200, 20)}
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "waqbench: "+format+"\n", args...)
}

// side starts a stand-in and a waq that sends to it with concurrency
// workers, with its queue paused when paused is set, and runs fn on them.
func (b *bench) waqSide(ctx context.Context, concurrency int, paused bool, fn func(*waqServer, *standIn) error) error {
	st := newStandIn()
	defer st.Close()
	w, err := startWaq(ctx, b.waqBin, b.tmp, st.URL(), concurrency, b.pprofDir != "")
	if err != nil {
		return err
	}
	defer w.Close()
	if paused {
		if err := w.pause(ctx); err != nil {
			return err
		}
	}
	if err := fn(w, st); err != nil {
		return fmt.Errorf("waq: %w", err)
	}
	return nil
}

// bullSide starts a stand-in and a fresh redis-server and runs fn on them.
func (b *bench) bullSide(ctx context.Context, fn func(*redisServer, *standIn) error) error {
	st := newStandIn()
	defer st.Close()
	r, err := startRedis(ctx, b.redisBin, b.tmp)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := fn(r, st); err != nil {
		return fmt.Errorf("bullmq: %w", err)
	}
	return nil
}

// node runs bench.mjs in mode against r to its end and reads its result.
func (b *bench) nodeResult(ctx context.Context, r *redisServer, mode string, opts, v any) error {
	run, err := b.node.run(b.tmp, r.addr, mode, opts)
	if err != nil {
		return err
	}
	defer run.Close()
	return run.result(ctx, figureTimeout, v)
}

type elapsedResult struct {
	ElapsedMS float64 `json:"elapsed_ms"`
}

// singleEnqueue is POST /v1/messages against Queue.add, clients calls in
// flight.
func (b *bench) singleEnqueue(ctx context.Context, clients int) ([]result, error) {
	n := b.sizes.Single1
	if clients > 1 {
		n = b.sizes.Single32
	}
	res := result{Figure: fmt.Sprintf("single enqueue, %d client(s) in flight", clients), Unit: "msg/s", N: n, Higher: true}
	err := b.waqSide(ctx, 5, true, func(w *waqServer, _ *standIn) error {
		stop := w.profile(ctx, b.pprofDir, fmt.Sprintf("single%d", clients))
		d, err := inFlight(ctx, n, clients, 1, func(ctx context.Context, from, _ int) error { return w.enqueue(ctx, from) })
		res.Waq = rate(n, d)
		return errors.Join(err, stop())
	})
	if err != nil {
		return nil, err
	}
	err = b.bullSide(ctx, func(r *redisServer, _ *standIn) error {
		var out elapsedResult
		err := b.nodeResult(ctx, r, "add", map[string]int{"count": n, "clients": clients}, &out)
		res.BullMQ = rate(n, time.Duration(out.ElapsedMS*float64(time.Millisecond)))
		return err
	})
	return []result{res}, err
}

// inFlight calls task(from, k) over [0, count) in steps of step, at most
// clients at a time, and returns how long all took. It stops at the first
// error.
func inFlight(ctx context.Context, count, clients, step int, task func(ctx context.Context, from, k int) error) (time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				from := int(next.Add(int64(step))) - step
				if from >= count {
					return
				}
				if err := task(ctx, from, min(step, count-from)); err != nil {
					cancel(err)
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(t0)
	if err := context.Cause(ctx); err != nil {
		return d, err
	}
	return d, nil
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
