package ui

import (
	"strconv"
	"testing"
)

// seenOnce says a name is new once, and stays bounded: past seenMax names
// it starts again, so a flood of names cannot grow it.
func TestSeenOnce(t *testing.T) {
	var o seenOnce
	if !o.first("evolution\x00ghost") || o.first("evolution\x00ghost") {
		t.Fatal("a name is new exactly once")
	}
	if !o.first("cloudapi\x00ghost") {
		t.Fatal("the same name from another source is another key")
	}
	for i := range 10 * seenMax {
		o.first(strconv.Itoa(i))
		if len(o.keys) > seenMax {
			t.Fatalf("%d keys kept, want at most %d", len(o.keys), seenMax)
		}
	}
}
