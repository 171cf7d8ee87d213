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
// and not yet returned, and the last trimEvery allocated less than
// trimOver (the burst is over: 16 MB a second is far above an idle
// appliance's allocation), waq runs a collection and returns them, within
// half a second of the burst's end. Trimming during a burst cost it a
// forced collection a second and the faulting in again of the pages
// returned: 10 to 15% of a bulk enqueue's rate (docs/benchmarks.md).
const (
	trimEvery = 250 * time.Millisecond
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
	var tr trimmer
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			tr.tick()
		}
	}
}

// A trimmer returns the free heap once a burst of allocation is over.
type trimmer struct {
	allocs uint64 // bytes allocated in all, at the last tick
}

// tick trims when the heap allocated since the last tick is under
// trimOver, and reports whether it did.
func (tr *trimmer) tick() bool {
	allocs := readUint64("/gc/heap/allocs:bytes")
	quiet := allocs-tr.allocs < trimOver
	tr.allocs = allocs
	return quiet && trimOnce()
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
	return readUint64("/memory/classes/heap/free:bytes")
}

// readUint64 reads one of the runtime's metrics, 0 when it has none.
func readUint64(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
