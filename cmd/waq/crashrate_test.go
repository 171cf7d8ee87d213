package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/sender"
)

// windowPeak is the largest number of sends that any sliding window (t-w, t]
// holds, counted twice: all of them, and without the sends that were in
// flight at a kill. waq counts a permit from the end of its gateway call and
// seeds the next run's limiter from the sent_at of recorded sends (docs/
// sender.md), so a send the gateway accepted but waq never recorded is the
// only one a restarted limiter cannot see: the bound is count sends in every
// window, plus the unrecorded ones inside it.
func windowPeak(accepts []accept, w time.Duration) (all, recorded int) {
	all, recorded, _ = peakWindow(accepts, w)
	return all, recorded
}

// peakWindow is windowPeak that also returns the sends of the first window
// holding the most recorded sends, to show when the bound does not hold.
func peakWindow(accepts []accept, w time.Duration) (all, recorded int, worst []accept) {
	as := slices.Clone(accepts)
	slices.SortFunc(as, func(a, b accept) int { return a.at.Compare(b.at) })
	lo, unrec := 0, 0
	for hi, a := range as {
		if a.unrecorded {
			unrec++
		}
		for !as[lo].at.After(a.at.Add(-w)) {
			if as[lo].unrecorded {
				unrec--
			}
			lo++
		}
		all = max(all, hi-lo+1)
		if hi-lo+1-unrec > recorded {
			recorded, worst = hi-lo+1-unrec, as[lo:hi+1]
		}
	}
	return all, recorded, worst
}

func TestWindowPeak(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	at := func(ms int, unrecorded bool) accept {
		return accept{at: t0.Add(time.Duration(ms) * time.Millisecond), unrecorded: unrecorded}
	}
	f := func(name string, as []accept, wantAll, wantRecorded int) {
		t.Helper()
		all, rec := windowPeak(as, time.Second)
		if all != wantAll || rec != wantRecorded {
			t.Errorf("%s: peak %d, %d without in-flight; want %d, %d", name, all, rec, wantAll, wantRecorded)
		}
	}
	f("none", nil, 0, 0)
	f("one", []accept{at(0, false)}, 1, 1)
	// (t-w, t]: a send exactly one window later is in the next window.
	f("edge", []accept{at(0, false), at(1000, false)}, 1, 1)
	f("inside", []accept{at(0, false), at(999, false)}, 2, 2)
	f("unsorted", []accept{at(999, false), at(0, false), at(500, false)}, 3, 3)
	f("in flight", []accept{at(0, true), at(100, false), at(200, false), at(1150, false)}, 3, 2)
}

// report logs the figures docs/crash.md quotes and asserts the bounds on
// duplicates and on the rate window over every send of every run.
func (s *crashSuite) report(kills int, took time.Duration) {
	t := s.t
	rate, err := sender.ParseRate(crashRate)
	if err != nil {
		t.Fatal(err)
	}
	s.led.mu.Lock()
	accepts := slices.Clone(s.led.accepts)
	acked, jobs, hooks := len(s.led.acked), len(s.led.jobs), len(s.led.hooks)
	s.led.mu.Unlock()
	messages, inFlight := map[string]bool{}, 0
	for _, a := range accepts {
		messages[a.number] = true
		if a.unrecorded {
			inFlight++
		}
	}
	all, recorded, worst := peakWindow(accepts, rate.Window)
	t.Logf("crash suite, seed %d: %d kills in %s (starts %s, load %s, verifier %s)\n%s", s.seed, kills,
		took.Round(time.Second), s.took[0].Round(time.Second), s.took[1].Round(time.Second), s.took[2].Round(time.Second), s.table())
	t.Logf("acknowledged: %d enqueued, %d imported jobs, %d webhooks applied, %d whole backups (%d checked)",
		acked, jobs, hooks, s.backupsWhole, s.backupsChecked)
	t.Logf("gateway: %d sends of %d messages, %d duplicates, %d sends in flight at a kill",
		len(accepts), len(messages), len(accepts)-len(messages), inFlight)
	t.Logf("rate %s: at most %d sends in a window (%d without those in flight at a kill)", crashRate, all, recorded)
	if dups := len(accepts) - len(messages); dups > inFlight {
		t.Fatalf("seed %d: %d duplicate sends, but only %d sends were in flight at a kill", s.seed, dups, inFlight)
	}
	if recorded > rate.Count {
		var w strings.Builder
		for _, a := range worst {
			fmt.Fprintf(&w, "%s run %d %s to %s in flight=%t\n", a.at.Format("15:04:05.000000"), a.epoch, a.key, a.number, a.unrecorded)
		}
		t.Logf("seed %d: %d recorded sends in one %s window; the rate is %s:\n%s", s.seed, recorded, rate.Window, crashRate, w.String())
		t.Fatalf("rate window exceeded: %d recorded sends in one %s window at %s", recorded, rate.Window, crashRate)
	}
}

// table is the kills of each moment, those made from inside a send, and
// the sends that were in flight at them.
func (s *crashSuite) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %6s %10s %10s\n", "moment", "kills", "from send", "in flight")
	for _, mo := range s.moments() {
		st := s.momentStats(mo.name)
		fmt.Fprintf(&b, "%-14s %6d %10d %10d\n", mo.name, st.kills, st.fromSend, st.inFlight)
	}
	return b.String()
}
