package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/waqhq/waq/progress"
)

// progressType asks a server for the streamed answer of long work
// (docs/api.md, "Progress of long work").
const progressType = "application/x-ndjson"

// plainEvery is how often plain progress lines come within a phase.
var plainEvery = 5 * time.Second

// postProgress POSTs in to path without client.call's timeout (an import
// or a cutover takes as long as the data it moves; Ctrl-C stops it),
// asking for the streamed answer: each progress line goes to view, the last
// line's result into out, and a failure on the last line is returned as
// the server's *apiError. A server that answers plain JSON (one from
// before the streamed answers) has its answer decoded into out.
func postProgress(ctx context.Context, cl *client, path string, in, out any, view progressView) error {
	resp, err := cl.openAccept(ctx, http.MethodPost, path, in, progressType)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if t, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); t != progressType {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("POST %s: decode answer: %w", path, err)
		}
		return nil
	}
	defer view.done()
	return readProgress(resp.Body, path, out, view)
}

// readProgress reads progress lines until the last one.
func readProgress(r io.Reader, path string, out any, view progressView) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	for sc.Scan() {
		var u progress.Update
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			return fmt.Errorf("POST %s: decode progress: %w", path, err)
		}
		switch u.Phase {
		case progress.PhaseDone:
			if err := json.Unmarshal(u.Result, out); err != nil {
				return fmt.Errorf("POST %s: decode answer: %w", path, err)
			}
			return nil
		case progress.PhaseFailed:
			e := new(apiError)
			if err := json.Unmarshal(u.Error, e); err != nil || e.Message == "" {
				return fmt.Errorf("POST %s: failed: %s", path, u.Error)
			}
			return e
		}
		view.show(u)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("POST %s: %w", path, err)
	}
	return fmt.Errorf("POST %s: the answer ended before its result", path)
}

// progressView shows the progress of long work.
type progressView interface {
	show(u progress.Update)
	done() // the work is over: show where the last phase ended
}

// progressView returns how command what shows progress on the error output
// (the result goes to the standard output, so --json stays clean): a bar
// per phase on a terminal; plain lines, at most one per plainEvery within a
// phase, otherwise (systemd's journal, a pipe, a file), where a bar's
// carriage returns would be noise.
func (c *cli) progressView(what string) progressView {
	if f, ok := c.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barView{w: f, what: what}
	}
	return &plainView{w: c.stderr, what: what, every: plainEvery, now: time.Now}
}

// unitOf is what a phase counts.
func unitOf(phase string) string {
	switch phase {
	case progress.PhaseCopy, progress.PhaseLoad:
		return "keys"
	case progress.PhaseTranslate:
		return "jobs"
	case progress.PhaseRelease:
		return "messages"
	case progress.PhaseCatchUp:
		return "bytes"
	}
	return ""
}

// plainView writes a line per update worth telling: the first of each
// phase, then one per every, and the last of each phase.
type plainView struct {
	w     io.Writer
	what  string
	every time.Duration
	now   func() time.Time

	last    *progress.Update
	printed bool      // last is written
	at      time.Time // when a line was last written
}

func (v *plainView) show(u progress.Update) {
	switch {
	case v.last != nil && u.Phase != v.last.Phase:
		v.done()
	case v.last != nil && v.now().Sub(v.at) < v.every:
		v.last, v.printed = &u, false
		return
	}
	v.last = &u
	v.print()
}

func (v *plainView) done() {
	if v.last != nil && !v.printed {
		v.print()
	}
}

func (v *plainView) print() {
	v.printed, v.at = true, v.now()
	fmt.Fprintln(v.w, plainLine(v.what, *v.last))
}

// plainLine says u in words: "import: copy 1500 of 12000 keys (12%), 3000
// keys/s".
func plainLine(what string, u progress.Update) string {
	unit := unitOf(u.Phase)
	s := fmt.Sprintf("%s: %s", what, u.Phase)
	if unit == "" {
		return s
	}
	s += fmt.Sprintf(" %d", u.Done)
	if u.Total > 0 {
		s += fmt.Sprintf(" of %d %s (%d%%)", u.Total, unit, min(u.Done*100/u.Total, 100))
	} else {
		s += " " + unit
	}
	return s + ", " + strconv.FormatFloat(u.Rate, 'f', -1, 64) + " " + unit + "/s"
}

// barView draws a progress bar per phase (a spinner while the total is
// not known) with the count and the rate.
type barView struct {
	w     io.Writer
	what  string
	phase string
	bar   *progressbar.ProgressBar
}

func (v *barView) show(u progress.Update) {
	if u.Phase != v.phase {
		v.done()
		v.phase, v.bar = u.Phase, newBar(v.w, v.what+" "+u.Phase, unitOf(u.Phase), u.Total)
	}
	if u.Total > 0 && u.Total != v.bar.GetMax64() {
		v.bar.ChangeMax64(u.Total)
	}
	_ = v.bar.Set64(u.Done)
}

// done leaves the phase's bar as it ended, on its own line.
func (v *barView) done() {
	if v.bar != nil && !v.bar.IsFinished() {
		_ = v.bar.Exit()
	}
	v.bar = nil
}

func newBar(w io.Writer, desc, unit string, total int64) *progressbar.ProgressBar {
	if total <= 0 {
		total = -1 // a spinner
	}
	if unit == "" {
		unit = "it"
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}

// watch returns ctx carrying a progress.Meter that feeds view, for work
// done in this process (no server answered); stop shows where it ended.
func watch(ctx context.Context, view progressView) (_ context.Context, stop func()) {
	m := &progress.Meter{Emit: view.show}
	return progress.With(ctx, m.Report), func() {
		m.Flush()
		view.done()
	}
}
