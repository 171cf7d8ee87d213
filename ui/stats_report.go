package ui

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/report"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// reportFile is a report as a file that the client is told to save as
// name.
type reportFile struct {
	name, contentType string
	body              []byte
}

// Content types of the report files.
const (
	contentCSV  = "text/csv; charset=utf-8"
	contentXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	contentPDF  = "application/pdf"
)

// handleFile is handle for a route that may answer a reportFile, a type
// that respond does not know: the file goes out as it is, anything else
// as respond writes it.
func (s *Server) handleFile(method, path string, h handlerFunc) {
	s.routes = append(s.routes, route{method, path})
	s.router.Handle(method, path, func(w http.ResponseWriter, r *http.Request, p httprouter.Params) {
		requestInfo(r).route = path
		v, err := h(r, p)
		if f, ok := v.(reportFile); ok && err == nil {
			writeFile(w, f)
			return
		}
		s.respond(w, r, v, err)
	})
}

func writeFile(w http.ResponseWriter, f reportFile) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Disposition", `attachment; filename="`+f.name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.body)
}

// report answers GET /v1/reports/{day,week,month}: the report of the
// period holding date (YYYY-MM-DD in WAQ_TIMEZONE; today when absent), as
// JSON, or as a file with format csv (shaped by sep, decimal, bom and
// locale, see csvOptions), xlsx or pdf, saved as
// waq-report-<period>-<first day>.<format>. The file is built whole
// before the first byte goes out, so an error is still a JSON error
// answer. It returns an EINVALID *store.Error naming period, date,
// format or a CSV option.
func (s *Server) report(r *http.Request, p httprouter.Params) (any, error) {
	q := r.URL.Query()
	format := q.Get("format")
	switch format {
	case "", "json", "csv", "xlsx", "pdf":
	default:
		return nil, store.FieldErrorf("format", "must be json, csv, xlsx or pdf")
	}
	opts, err := csvOptions(q)
	if err != nil {
		return nil, err
	}
	rep, err := s.opts.Stats.Report(p.ByName("period"), q.Get("date"))
	if err != nil || format == "" || format == "json" {
		return rep, err
	}
	var buf bytes.Buffer
	f := reportFile{name: report.Filename(rep, format)}
	switch format {
	case "csv":
		f.contentType, err = contentCSV, report.WriteCSV(&buf, rep, opts)
	case "xlsx":
		f.contentType, err = contentXLSX, report.WriteXLSX(&buf, rep)
	case "pdf":
		f.contentType, err = contentPDF, s.reportPDF(&buf, rep)
	}
	if err != nil {
		return nil, err
	}
	f.body = buf.Bytes()
	return f, nil
}

// reportPDF draws the PDF of rep with its chart: sent per bucket as bars
// and read as a line, per hour for a day, per day for a week or a month.
func (s *Server) reportPDF(buf *bytes.Buffer, rep *stats.ReportResult) error {
	level := stats.Day
	if rep.Period == stats.PeriodDay {
		level = stats.Hour
	}
	sent, err := s.opts.Stats.Series(level, stats.DimAll, "sent", rep.From, rep.To)
	if err != nil {
		return err
	}
	read, err := s.opts.Stats.Series(level, stats.DimAll, "read", rep.From, rep.To)
	if err != nil {
		return err
	}
	return report.WritePDF(buf, rep, report.Series{Name: "sent", Points: sent}, report.Series{Name: "read", Points: read})
}
