package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/progress"
)

// TestPlainProgress: without a terminal, progress is plain lines: the
// first of each phase, then one per plainEvery, and where each phase ended.
func TestPlainProgress(t *testing.T) {
	type step struct {
		u    progress.Update
		wait time.Duration
	}
	f := func(steps []step, want string) {
		t.Helper()
		var out strings.Builder
		now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
		v := &plainView{w: &out, what: "import", every: 5 * time.Second, now: func() time.Time { return now }}
		for _, s := range steps {
			v.show(s.u)
			now = now.Add(s.wait)
		}
		v.done()
		if out.String() != want {
			t.Fatalf("wrote\n%s\nwant\n%s", out.String(), want)
		}
	}
	copyAt := func(done int64, rate float64) progress.Update {
		return progress.Update{Phase: progress.PhaseCopy, Done: done, Total: 12000, Rate: rate}
	}
	f(nil, "")
	f([]step{{copyAt(500, 0), time.Second}, {copyAt(1000, 500), time.Second}, {copyAt(12000, 6000), 0}},
		"import: copy 500 of 12000 keys (4%), 0 keys/s\n"+
			"import: copy 12000 of 12000 keys (100%), 6000 keys/s\n")
	f([]step{{copyAt(500, 0), 5 * time.Second}, {copyAt(3000, 600), time.Second}, {copyAt(3500, 583.3), 0}},
		"import: copy 500 of 12000 keys (4%), 0 keys/s\n"+
			"import: copy 3000 of 12000 keys (25%), 600 keys/s\n"+
			"import: copy 3500 of 12000 keys (29%), 583.3 keys/s\n")
	f([]step{{copyAt(500, 0), time.Second}, {copyAt(12000, 6000), time.Second},
		{progress.Update{Phase: progress.PhaseTranslate, Done: 7, Rate: 7}, 0}},
		"import: copy 500 of 12000 keys (4%), 0 keys/s\n"+
			"import: copy 12000 of 12000 keys (100%), 6000 keys/s\n"+
			"import: translate 7 jobs, 7 jobs/s\n")
	f([]step{{progress.Update{Phase: progress.PhaseConnect}, 0}}, "import: connect\n")
}

// TestReadProgress reads streamed answers: progress lines to the view,
// then the result, or the failure the last line gives.
func TestReadProgress(t *testing.T) {
	f := func(body string, wantShown int, wantOut string, wantErr string) {
		t.Helper()
		var out struct {
			Released int `json:"released"`
		}
		v := &countView{}
		err := readProgress(strings.NewReader(body), "/v1/admin/cutover", &out, v)
		if v.n != wantShown || (err == nil) != (wantErr == "") || err != nil && !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("%d shown, %v; want %d, %q", v.n, err, wantShown, wantErr)
		}
		if wantErr == "" && wantOut != "" && out.Released != 7 {
			t.Fatalf("result %+v", out)
		}
	}
	f(`{"phase":"release","done":0,"total":7,"rate":0}
{"phase":"release","done":7,"total":7,"rate":70}
{"phase":"done","done":0,"total":0,"rate":0,"result":{"released":7}}
`, 2, "7", "")
	f(`{"phase":"release","done":0,"total":7,"rate":0}
{"phase":"failed","done":0,"total":0,"rate":0,"error":{"code":"disk_full","message":"no space left"}}
`, 1, "", "disk_full: no space left")
	f(`{"phase":"release","done":0,"total":7,"rate":0}
`, 1, "", "the answer ended before its result")
	f("not json\n", 0, "", "decode progress")
	var e *apiError
	err := readProgress(strings.NewReader(`{"phase":"failed","error":{"code":"unavailable","message":"x"}}`), "/p", new(int), &countView{})
	if !errors.As(err, &e) || e.Code != "unavailable" {
		t.Fatalf("failure %v is not the server's error", err)
	}
}

type countView struct{ n int }

func (v *countView) show(progress.Update) { v.n++ }
func (v *countView) done()                {}

// TestBarProgress: on a terminal, a bar per phase with its count (a
// spinner with the count while the total is not known).
func TestBarProgress(t *testing.T) {
	var out strings.Builder
	v := &barView{w: &out, what: "import"}
	v.show(progress.Update{Phase: progress.PhaseCopy, Done: 500, Total: 12000})
	v.show(progress.Update{Phase: progress.PhaseCopy, Done: 12000, Total: 12000})
	v.show(progress.Update{Phase: progress.PhaseTranslate, Done: 7})
	v.done()
	inOrder(t, out.String(), "import copy", "(12000/12000, ", "keys/", "import translate", "(7/-, ", "jobs/")
}
