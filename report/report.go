// Package report renders a stats.ReportResult as the files an operator
// downloads from GET /v1/reports/{period}: CSV for a spreadsheet in any
// locale, an Excel workbook and a one-page PDF summary with the period's
// chart. Every format starts from the figures of the report's plain CSV
// (stats.ReportResult.WriteCSV), so a figure added there shows in all of
// them.
package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/waqhq/waq/stats"
)

// Row is one figure of a report: its section (a top-level key of the JSON
// report), the campaign it belongs to (campaigns only), its metric (the
// JSON path within the section) and its value, a float64, a time.Time
// (from, to) or a string.
type Row struct {
	Section, Name, Metric string
	Value                 any
}

// Rows returns the figures of rep in the order of its CSV. Strings are
// given back as the report holds them, without the apostrophe the CSV
// puts before a would-be formula. It returns the CSV writer's error.
func Rows(rep *stats.ReportResult) ([]Row, error) {
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		return nil, fmt.Errorf("report rows: %w", err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("report rows: %w", err)
	}
	rows := make([]Row, 0, len(recs))
	for _, r := range recs[1:] { // the header
		rows = append(rows, Row{Section: r[0], Name: undefuse(r[1]), Metric: r[2], Value: value(r[2], r[3])})
	}
	return rows, nil
}

// value types a CSV cell: the report's from and to are times, a number is
// a float64, anything else a string.
func value(metric, s string) any {
	if metric == "from" || metric == "to" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t
		}
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		return x
	}
	return undefuse(s)
}

// undefuse takes back the apostrophe the CSV puts before a value a
// spreadsheet would run as a formula: a workbook holds it as text anyway.
func undefuse(s string) string {
	if len(s) < 2 || s[0] != '\'' {
		return s
	}
	switch v := s[1:]; v[0] {
	case '=', '+', '@', '\t', '\r':
		return v
	case '-':
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return v
		}
	}
	return s
}

// Filename is the name a report of period starting at from is saved as,
// with ext (csv, xlsx, pdf): waq-report-week-2026-11-23.xlsx.
func Filename(rep *stats.ReportResult, ext string) string {
	return "waq-report-" + rep.Period + "-" + rep.From.Format(stats.DateLayout) + "." + ext
}
