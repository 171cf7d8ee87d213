package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/waqhq/waq/stats"
)

// Number formats of the workbook: dates in the report's zone, rates as
// percentages (the cell still holds the fraction of the JSON report).
const (
	dateFormat    = "yyyy-mm-dd hh:mm"
	percentFormat = "0.00%"
)

// workbook is a report being written as an Excel file.
type workbook struct {
	f             *excelize.File
	date, percent int // style ids
}

// WriteXLSX writes rep as an Excel workbook with one sheet per section of
// the JSON report (report, messages, conversations, conversions,
// performance, campaigns, instances). A sheet lists metric and value; the
// campaigns and instances sheets have one row per campaign or instance
// and one column per figure. Numbers are
// numbers, from and to are dates (the wall clock of the report's zone). It
// returns the errors of building or writing the file.
func WriteXLSX(w io.Writer, rep *stats.ReportResult) error {
	rows, err := Rows(rep)
	if err != nil {
		return err
	}
	wb, err := newWorkbook()
	if err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	defer wb.f.Close()
	var figures []Row
	for _, r := range rows {
		if tables[r.Section] == nil {
			figures = append(figures, r)
		}
	}
	if err := wb.sections(figures); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	for _, section := range []string{"campaigns", "instances"} {
		if err := wb.table(section, rows); err != nil {
			return fmt.Errorf("report xlsx: %w", err)
		}
	}
	if _, err := wb.f.WriteTo(w); err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	return nil
}

func newWorkbook() (*workbook, error) {
	f := excelize.NewFile()
	df, pf := dateFormat, percentFormat
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &df})
	if err != nil {
		return nil, err
	}
	percent, err := f.NewStyle(&excelize.Style{CustomNumFmt: &pf})
	if err != nil {
		return nil, err
	}
	return &workbook{f: f, date: date, percent: percent}, nil
}

// sections writes each section's rows on a sheet of its name, the first
// one in place of the new file's Sheet1.
func (wb *workbook) sections(rows []Row) error {
	line := map[string]int{}
	for _, r := range rows {
		if _, ok := line[r.Section]; !ok {
			if err := wb.sheet(r.Section, len(line) == 0, "metric", "value"); err != nil {
				return err
			}
			line[r.Section] = 1
		}
		line[r.Section]++
		n := line[r.Section]
		if err := wb.f.SetCellStr(r.Section, cellName(1, n), r.Metric); err != nil {
			return err
		}
		if err := wb.set(r.Section, 2, n, r.Metric, r.Value); err != nil {
			return err
		}
	}
	return nil
}

// sheet adds a sheet (renames Sheet1 when first) with a bold-less header
// row and widths that fit the metric names.
func (wb *workbook) sheet(name string, first bool, header ...string) error {
	if first {
		if err := wb.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := wb.f.NewSheet(name); err != nil {
		return err
	}
	for i, h := range header {
		if err := wb.f.SetCellStr(name, cellName(i+1, 1), h); err != nil {
			return err
		}
	}
	return wb.f.SetColWidth(name, "A", "A", 34)
}

// set writes v at (col, row) of sheet as a number, a date or text.
func (wb *workbook) set(sheet string, col, row int, metric string, v any) error {
	cell := cellName(col, row)
	switch x := v.(type) {
	case float64:
		if err := wb.f.SetCellFloat(sheet, cell, x, -1, 64); err != nil {
			return err
		}
		if isRate(metric) {
			return wb.f.SetCellStyle(sheet, cell, cell, wb.percent)
		}
		return nil
	case time.Time:
		// excelize counts from UTC: hand it the report zone's wall clock.
		wall := time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), 0, time.UTC)
		if err := wb.f.SetCellValue(sheet, cell, wall); err != nil {
			return err
		}
		if err := wb.f.SetColWidth(sheet, "B", "B", 18); err != nil {
			return err
		}
		return wb.f.SetCellStyle(sheet, cell, cell, wb.date)
	default:
		return wb.f.SetCellStr(sheet, cell, fmt.Sprint(x))
	}
}

// tables are the sections written as a table, one row per name, with
// the columns a sheet without rows still shows.
var tables = map[string][]string{
	"campaigns": {"sent", "delivered", "read", "replied", "failed", "conversions",
		"cost", "revenue", "currency", "roi", "engagement_rate"},
	"instances": {"sent", "delivered", "read", "replied", "failed", "dead", "received",
		"delivery_rate", "read_rate"},
}

// table writes the sheet of a table section (campaigns, instances): a
// row per campaign or instance, a column per figure, in the order of the
// CSV.
func (wb *workbook) table(section string, rows []Row) error {
	col := map[string]int{}
	header := []string{"name"}
	for _, r := range rows {
		if r.Section == section && col[r.Metric] == 0 {
			header = append(header, r.Metric)
			col[r.Metric] = len(header)
		}
	}
	if len(header) == 1 { // no row: the columns of an empty one
		header = append(header, tables[section]...)
	}
	if err := wb.sheet(section, false, header...); err != nil {
		return err
	}
	line := map[string]int{}
	for _, r := range rows {
		if r.Section != section {
			continue
		}
		if line[r.Name] == 0 {
			line[r.Name] = len(line) + 2
			if err := wb.f.SetCellStr(section, cellName(1, line[r.Name]), r.Name); err != nil {
				return err
			}
		}
		if err := wb.set(section, col[r.Metric], line[r.Name], r.Metric, r.Value); err != nil {
			return err
		}
	}
	return nil
}

func isRate(metric string) bool {
	return strings.HasSuffix(metric, "_rate") || strings.HasPrefix(metric, "funnel.")
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row) // col and row are ≥ 1
	return n
}
