package ui

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// csvFile is an answer in CSV that the client is told to save as name.
type csvFile struct {
	name string
	body []byte
}

// handleCSV is handle for a route that may answer a csvFile, a type that
// respond does not know: the file goes out as text/csv, anything else as
// respond writes it.
func (s *Server) handleCSV(method, path string, h handlerFunc) {
	s.routes = append(s.routes, route{method, path})
	s.router.Handle(method, path, func(w http.ResponseWriter, r *http.Request, p httprouter.Params) {
		requestInfo(r).route = path
		v, err := h(r, p)
		if f, ok := v.(csvFile); ok && err == nil {
			writeCSV(w, f)
			return
		}
		s.respond(w, r, v, err)
	})
}

func writeCSV(w http.ResponseWriter, f csvFile) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+f.name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.body)
}

// report answers GET /v1/reports/{day,week,month}: the report of the
// period holding date (YYYY-MM-DD in WAQ_TIMEZONE; today when absent), as
// JSON, or as CSV with format=csv, saved as
// waq-report-<period>-<first day>.csv. The CSV is built whole before the
// first byte goes out, so an error is still a JSON error answer. It
// returns an EINVALID *store.Error naming period, date or format.
func (s *Server) report(r *http.Request, p httprouter.Params) (any, error) {
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return nil, store.FieldErrorf("format", "must be json or csv")
	}
	rep, err := s.opts.Stats.Report(p.ByName("period"), q.Get("date"))
	if err != nil {
		return nil, err
	}
	if format != "csv" {
		return rep, nil
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		return nil, err
	}
	name := "waq-report-" + rep.Period + "-" + rep.From.Format(stats.DateLayout) + ".csv"
	return csvFile{name: name, body: buf.Bytes()}, nil
}
