package main

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Returning memory after a burst: the queue lives in the data file, so
// after a bulk import or a campaign's enqueue waq's heap holds only the
// requests' garbage. Go's scavenger gives it back slowly and keeps some for
// the next burst; on a small VPS shared with the gateway it is better
// returned. Every trimEvery, when more than trimOver bytes of heap are free
// and not yet returned, waq runs a collection and returns them: at most one
// extra GC a second while bursts last, none while idle.
const (
	trimEvery = time.Second
	trimOver  = 4 << 20
)

// GCPercent is the Go collector's target that waq serve sets unless GOGC
// is given: the heap may grow to five times what is live before a
// collection, instead of twice. Bursts (a bulk enqueue, a drain) then spend
// a third less of their CPU collecting; the live heap is a few MB, and the
// trim below returns what a burst leaves free.
const GCPercent = 400

// tuneGC sets GCPercent, unless the operator chose with GOGC.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}

// trimMemory returns free heap to the system until ctx ends.
func trimMemory(ctx context.Context) error {
	t := time.NewTicker(trimEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			trimOnce()
		}
	}
}

// trimOnce returns the free heap when more than trimOver bytes of it are
// held, and reports whether it did.
func trimOnce() bool {
	if heapFree() <= trimOver {
		return false
	}
	debug.FreeOSMemory()
	return true
}

// heapFree returns the bytes of heap that are free and not returned yet.
func heapFree() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
