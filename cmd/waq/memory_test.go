package main

import (
	"runtime"
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
