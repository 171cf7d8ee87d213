package ui

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/waqhq/waq/progress"
)

// progressType is the media type of a streamed answer of long work: one
// JSON progress.Update per line (docs/api.md, "Progress of long work").
const progressType = "application/x-ndjson"

// streamed is the answer of long work (an import, a cutover, a mirror's
// first sync). A client whose Accept names progressType gets the work's
// progress as it goes, then its result on the last line; any other gets
// the result alone, as plain JSON, when the work is over.
type streamed struct {
	run func(ctx context.Context) (any, error)
}

// wantsProgress reports whether r's Accept header names progressType.
func wantsProgress(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			if t, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && t == progressType {
				return true
			}
		}
	}
	return false
}

// writeStreamed runs st, streaming its progress when the client asked for
// it. The status line goes out with the first progress line, so an error
// before any (a bad URL, an unreachable source) is still a JSON error
// answer with its status; an error after it is the stream's last line,
// {"phase": "failed", "error": {...}}.
func (s *Server) writeStreamed(w http.ResponseWriter, r *http.Request, st streamed) {
	if !wantsProgress(r) {
		v, err := st.run(r.Context())
		s.respond(w, r, v, err)
		return
	}
	pw := &progressWriter{w: w, rc: http.NewResponseController(w)}
	m := &progress.Meter{Now: s.now, Emit: pw.line}
	v, err := st.run(progress.With(r.Context(), m.Report))
	m.Flush()
	switch {
	case err != nil && !pw.started:
		s.writeError(w, r, err)
	case err != nil:
		e, _ := s.publicError(r, err)
		raw, _ := json.Marshal(e)
		pw.line(progress.Update{Phase: progress.PhaseFailed, Error: raw})
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			s.log.Error("encode answer", "err", err)
			raw = nil
		}
		pw.line(progress.Update{Phase: progress.PhaseDone, Result: raw})
	}
}

// progressWriter writes progress lines, each flushed at once: a proxy or
// the client's reader sees every line when it is written.
type progressWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
}

func (p *progressWriter) line(u progress.Update) {
	if !p.started {
		p.started = true
		h := p.w.Header()
		h.Set("Content-Type", progressType)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		p.w.WriteHeader(http.StatusOK)
	}
	b, _ := json.Marshal(u) // plain fields and valid raw JSON: cannot fail
	_, _ = p.w.Write(append(b, '\n'))
	_ = p.rc.Flush() // a client gone is the work's context ending
}
