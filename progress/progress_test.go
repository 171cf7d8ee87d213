package progress

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestMeter(t *testing.T) {
	// A count is phase, done, total, then the clock moves by wait.
	type count struct {
		phase       string
		done, total int64
		wait        time.Duration
	}
	f := func(counts []count, want []Update) {
		t.Helper()
		now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
		var got []Update
		m := &Meter{Every: time.Second, Now: func() time.Time { return now }, Emit: func(u Update) { got = append(got, u) }}
		for _, c := range counts {
			m.Report(c.phase, c.done, c.total)
			now = now.Add(c.wait)
		}
		m.Flush()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("emitted %+v, want %+v", got, want)
		}
	}
	f(nil, nil)
	f([]count{{"copy", 0, 10, 0}}, []Update{{Phase: "copy", Total: 10}})
	// Within Every, only the first and the last of a phase go out.
	f([]count{{"copy", 0, 10, 100 * time.Millisecond}, {"copy", 5, 10, 100 * time.Millisecond}, {"copy", 10, 10, 0}},
		[]Update{{Phase: "copy", Total: 10}, {Phase: "copy", Done: 10, Total: 10, Rate: 50}})
	// Past Every, the count goes out, with the phase's rate.
	f([]count{{"copy", 0, 0, 2 * time.Second}, {"copy", 300, 0, 0}},
		[]Update{{Phase: "copy"}, {Phase: "copy", Done: 300, Rate: 150}})
	// The last count of a phase goes out before the next phase's first,
	// whose rate starts again.
	f([]count{{"copy", 0, 10, 100 * time.Millisecond}, {"copy", 10, 10, 100 * time.Millisecond}, {"translate", 1, 4, 0}},
		[]Update{{Phase: "copy", Total: 10}, {Phase: "copy", Done: 10, Total: 10, Rate: 100}, {Phase: "translate", Done: 1, Total: 4}})
}

func TestReport(t *testing.T) {
	ctx := context.Background()
	Report(ctx, "copy", 1, 2) // nobody watches: nothing happens
	if Watched(ctx) {
		t.Fatal("a bare context is watched")
	}
	var got []int64
	ctx = With(ctx, func(phase string, done, total int64) { got = append(got, done, total) })
	Report(ctx, "copy", 1, 2)
	if !Watched(ctx) || !reflect.DeepEqual(got, []int64{1, 2}) {
		t.Fatalf("reported %v", got)
	}
}
