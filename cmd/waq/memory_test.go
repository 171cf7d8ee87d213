package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

var sink [][]byte

// After a burst of garbage, one trim returns the free heap to the system.
func TestTrimReturnsFreeHeap(t *testing.T) {
	for range 256 {
		sink = append(sink, make([]byte, 64<<10)) // 16 MiB
	}
	sink = nil
	runtime.GC() // the garbage is now free heap, most of it not yet returned
	if heapFree() <= trimOver {
		t.Skipf("the runtime returned the heap by itself (%d bytes free)", heapFree())
	}
	before := heapFree()
	if !trimOnce() {
		t.Fatal("trimOnce did nothing with more than trimOver bytes free")
	}
	checkReturned(t, before)
}

// checkReturned fails unless most of the before bytes of free heap went
// back: the test binary's other goroutines may free some more meanwhile.
func checkReturned(t *testing.T, before uint64) {
	t.Helper()
	if got := heapFree(); got > before/2 {
		t.Fatalf("%d bytes of free heap held after the trim, of %d before", got, before)
	}
}

// While a burst allocates, the trimmer leaves the heap alone; the first
// quiet tick after it returns what the burst left free.
func TestTrimmerWaitsForTheBurstToEnd(t *testing.T) {
	var tr trimmer
	tr.tick()
	for range 256 {
		sink = append(sink, make([]byte, 64<<10)) // 16 MiB, a burst
	}
	sink = nil
	runtime.GC()
	if heapFree() <= trimOver {
		t.Skipf("the runtime returned the heap by itself (%d bytes free)", heapFree())
	}
	before := heapFree()
	if tr.tick() {
		t.Fatal("the trimmer trimmed right after 16 MiB were allocated")
	}
	// The next tick is quiet unless other goroutines of the test binary
	// allocate 4 MB meanwhile; a few more ticks leave them no chance.
	trimmed := false
	for range 5 {
		if trimmed = tr.tick(); trimmed || heapFree() <= trimOver { // the scavenger may have been first
			break
		}
	}
	if !trimmed && heapFree() > trimOver {
		t.Fatal("the trimmer did not trim on the quiet ticks after the burst")
	}
	checkReturned(t, before)
}

func TestTuneGC(t *testing.T) {
	f := func(gogc string, want int) {
		t.Helper()
		t.Setenv("GOGC", gogc)
		prev := debug.SetGCPercent(100)
		defer debug.SetGCPercent(prev)
		tuneGC()
		if got := debug.SetGCPercent(100); got != want {
			t.Fatalf("GOGC=%q: GC percent %d, want %d", gogc, got, want)
		}
	}
	f("", GCPercent)
	f("50", 100) // the operator's GOGC stands: tuneGC leaves the percent alone
}
