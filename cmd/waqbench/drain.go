package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// latencyConcurrency is the sender's and the Worker's concurrency in the
// latency figure: waq's default.
const latencyConcurrency = 5

// drain queues Drain messages with sending stopped, then times how long the
// stand-in takes to receive them all once sending starts: waq's sender with
// WAQ_CONCURRENCY=concurrency after POST /v1/queue/resume, against a BullMQ
// Worker of that concurrency started then.
func (b *bench) drain(ctx context.Context, concurrency int) ([]result, error) {
	n := b.sizes.Drain
	res := result{Figure: fmt.Sprintf("drain through the stand-in, concurrency %d", concurrency), Unit: "msg/s", N: n, Higher: true}
	err := b.waqSide(ctx, concurrency, true, func(w *waqServer, st *standIn) error {
		if _, err := inFlight(ctx, n, bulkClients, bulkBatch, w.enqueueBulk); err != nil {
			return err
		}
		done := st.reset(n)
		stop := w.profile(ctx, b.pprofDir, fmt.Sprintf("drain%d", concurrency))
		t0 := time.Now()
		if err := w.resume(ctx); err != nil {
			return errors.Join(err, stop())
		}
		err := st.wait(ctx, done, figureTimeout)
		res.Waq = rate(n, time.Since(t0))
		return errors.Join(err, stop())
	})
	if err != nil {
		return nil, err
	}
	err = b.bullSide(ctx, func(r *redisServer, st *standIn) error {
		run, err := b.node.run(b.tmp, r.addr, "drain", b.workerOpts(st, n, concurrency))
		if err != nil {
			return err
		}
		defer run.Close()
		if err := run.waitReady(ctx, figureTimeout); err != nil {
			return err
		}
		done := st.reset(n)
		t0 := time.Now()
		if err := run.goOn(); err != nil {
			return err
		}
		err = st.wait(ctx, done, figureTimeout)
		res.BullMQ = rate(n, time.Since(t0))
		if err != nil {
			return err
		}
		return run.result(ctx, figureTimeout, &elapsedResult{})
	})
	return []result{res}, err
}

// workerOpts tells bench.mjs where the stand-in is.
func (b *bench) workerOpts(st *standIn, count, concurrency int) map[string]any {
	return map[string]any{"count": count, "concurrency": concurrency,
		"url": st.URL(), "key": standInKey, "instance": standInInstance}
}

// latency enqueues Latency messages one at a time, each once the previous
// one reached the stand-in, with sending running at concurrency 5. It
// measures the enqueue call (POST /v1/messages, Queue.add) and the time from
// the start of that call to the stand-in receiving the send.
func (b *bench) latency(ctx context.Context) ([]result, error) {
	n := b.sizes.Latency
	var wAdd, wE2E, qAdd, qE2E []time.Duration
	err := b.waqSide(ctx, latencyConcurrency, false, func(w *waqServer, st *standIn) error {
		for i := range n {
			got := st.watch(i)
			t0 := time.Now()
			if err := w.enqueue(ctx, i); err != nil {
				return err
			}
			wAdd = append(wAdd, time.Since(t0))
			select {
			case t := <-got:
				wE2E = append(wE2E, t.Sub(t0))
			case <-time.After(time.Minute):
				return fmt.Errorf("message %d did not reach the stand-in in a minute", i)
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = b.bullSide(ctx, func(r *redisServer, st *standIn) error {
		var out struct {
			Start []float64 `json:"start_unix_ms"`
			Add   []float64 `json:"add_ms"`
		}
		if err := b.nodeResult(ctx, r, "latency", b.workerOpts(st, n, latencyConcurrency), &out); err != nil {
			return err
		}
		for i := range n {
			at, ok := st.arrival(i)
			if !ok || i >= len(out.Start) || i >= len(out.Add) {
				return fmt.Errorf("message %d: no arrival or no start time", i)
			}
			qAdd = append(qAdd, ms(out.Add[i]))
			qE2E = append(qE2E, time.Duration(at.UnixNano()-int64(out.Start[i]*1e6)))
		}
		return nil
	})
	row := func(what string, p float64, w, q []time.Duration) result {
		return result{Figure: fmt.Sprintf("%s p%g", what, p*100), Unit: "ms", N: n,
			Waq: percentile(w, p), BullMQ: percentile(q, p)}
	}
	return []result{
		row("enqueue call latency", 0.50, wAdd, qAdd),
		row("enqueue call latency", 0.99, wAdd, qAdd),
		row("enqueue to stand-in latency", 0.50, wE2E, qE2E),
		row("enqueue to stand-in latency", 0.99, wE2E, qE2E),
	}, err
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
