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
	if !trimOnce() {
		t.Fatal("trimOnce did nothing with more than trimOver bytes free")
	}
	if got := heapFree(); got > trimOver {
		t.Fatalf("%d bytes of free heap held after the trim, want at most %d", got, trimOver)
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
	if tr.tick() {
		t.Fatal("the trimmer trimmed right after 16 MiB were allocated")
	}
	if !tr.tick() && heapFree() > trimOver { // the scavenger may have been first
		t.Fatal("the trimmer did not trim on the quiet tick after the burst")
	}
	if got := heapFree(); got > trimOver {
		t.Fatalf("%d bytes of free heap held after the trim, want at most %d", got, trimOver)
	}
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
