package ui_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// goldenBytes compares got with testdata/name byte for byte, or rewrites
// the file with -update.
func goldenBytes(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs:\n got: %q\nwant: %q", path, got, want)
	}
}

func TestReportCSVForExcel(t *testing.T) {
	b := statsDay(t)
	b.do(t, "PUT", "/v1/campaigns/café", `{"cost_per_message": 0.05, "currency": "EUR"}`).want(t, 200)
	f := func(query, file string) {
		t.Helper()
		r := b.do(t, "GET", "/v1/reports/week?date=2026-11-26&format=csv&"+query, "").want(t, 200)
		if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Fatalf("%s: Content-Type %q", query, ct)
		}
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="waq-report-week-2026-11-23.csv"` {
			t.Fatalf("%s: Content-Disposition %q", query, cd)
		}
		goldenBytes(t, file, r.body)
	}
	f("locale=es-ES", "report_week_es.csv")
	f("sep=%3B", "report_week_semicolon.csv")
	f("locale=en-US", "report_week_en.csv")
	f("sep=tab&decimal=,&bom=0", "report_week_tab.csv")
	plain := b.do(t, "GET", "/v1/reports/week?date=2026-11-26&format=csv", "").want(t, 200).body
	if bytes.HasPrefix(plain, []byte("\uFEFF")) || !bytes.HasPrefix(plain, []byte("section,name,metric,value\n")) {
		t.Fatalf("the plain CSV changed: %q", plain[:40])
	}
}

func TestReportXLSX(t *testing.T) {
	b := statsDay(t)
	b.do(t, "PUT", "/v1/campaigns/spring", `{"cost_per_message": 0.05, "fixed_cost": 10, "currency": "EUR"}`).want(t, 200)
	r := b.do(t, "GET", "/v1/reports/week?date=2026-11-26&format=xlsx", "").want(t, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="waq-report-week-2026-11-23.xlsx"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer x.Close()
	want := "report messages conversations conversions performance campaigns instances"
	if got := strings.Join(x.GetSheetList(), " "); got != want {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	var rep map[string]any
	if err := json.Unmarshal(b.do(t, "GET", "/v1/reports/week?date=2026-11-26", "").want(t, 200).body, &rep); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, section := range []string{"messages", "conversations", "conversions", "performance"} {
		rows, err := x.GetRows(section, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows[1:] {
			checkNumber(t, x, section, "B"+strconv.Itoa(i+2), lookup(t, rep[section], row[0]))
			checked++
		}
	}
	if checked < 30 {
		t.Fatalf("only %d figures", checked)
	}
	for cell, v := range map[string]string{"B2": "week", "B3": "2026-11-23 00:00", "B4": "2026-11-30 00:00"} {
		if got, _ := x.GetCellValue("report", cell); got != v {
			t.Fatalf("report!%s = %q, want %q", cell, got, v)
		}
	}
	if ty, _ := x.GetCellType("report", "B3"); ty != excelize.CellTypeUnset && ty != excelize.CellTypeNumber && ty != excelize.CellTypeDate {
		t.Fatalf("from is not a date: type %v", ty)
	}
	head, _ := x.GetRows("campaigns")
	camps := rep["campaigns"].([]any)
	if len(head) != len(camps)+1 || head[1][0] != "spring" {
		t.Fatalf("campaigns sheet %q", head)
	}
	for j, metric := range head[0][1:] {
		cell, _ := excelize.CoordinatesToCellName(j+2, 2)
		if metric == "currency" {
			if v, _ := x.GetCellValue("campaigns", cell); v != "EUR" {
				t.Fatalf("currency %q", v)
			}
			continue
		}
		checkNumber(t, x, "campaigns", cell, lookup(t, camps[0], metric))
	}
	head, _ = x.GetRows("instances")
	ins := rep["instances"].([]any)
	if len(head) != len(ins)+1 || len(ins) != 2 || head[2][0] != "sales-2" {
		t.Fatalf("instances sheet %q", head)
	}
	for j, metric := range head[0][1:] {
		cell, _ := excelize.CoordinatesToCellName(j+2, 3)
		checkNumber(t, x, "instances", cell, lookup(t, ins[1], metric))
	}
}

// lookup follows a dotted JSON path ("response_time.p50_seconds") in v.
func lookup(t *testing.T, v any, path string) any {
	t.Helper()
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: not in the JSON report", path)
		}
		v = m[k]
	}
	return v
}

func checkNumber(t *testing.T, x *excelize.File, sheet, cell string, want any) {
	t.Helper()
	if ty, _ := x.GetCellType(sheet, cell); ty != excelize.CellTypeNumber && ty != excelize.CellTypeUnset {
		t.Fatalf("%s!%s is not a number: type %v", sheet, cell, ty)
	}
	raw, _ := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	got, err := strconv.ParseFloat(raw, 64)
	if w, ok := want.(float64); err != nil || !ok || got != w {
		t.Fatalf("%s!%s = %q, want %v (the JSON report's)", sheet, cell, raw, want)
	}
}

func TestReportPDF(t *testing.T) {
	b := statsDay(t)
	b.do(t, "PUT", "/v1/campaigns/spring", `{"cost_per_message": 0.05, "fixed_cost": 10, "currency": "EUR"}`).want(t, 200)
	b.clock.Add(24 * time.Hour)
	r := b.do(t, "GET", "/v1/reports/day?date=2026-11-26&format=pdf", "").want(t, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="waq-report-day-2026-11-26.pdf"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(r.body, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", r.body[:min(len(r.body), 20)])
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (Debian poppler-utils): the PDF is not rendered; .ci/run installs it")
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(pdf, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "40", pdf, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	ink, bars := inkOf(t, pages[0])
	if ink < 2000 || bars < 20 {
		t.Fatalf("page looks blank: %d non-white pixels, %d of the chart's bars", ink, bars)
	}
	t.Logf("page 1: %d non-white pixels, %d bar pixels", ink, bars)
}

// inkOf counts the non-white pixels of a PNG and those of the chart's
// bar colour.
func inkOf(t *testing.T, path string) (ink, bars int) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 < 245 || g>>8 < 245 || bl>>8 < 245 {
				ink++
			}
			if r>>8 < 80 && g>>8 > 70 && g>>8 < 130 && bl>>8 > 200 {
				bars++
			}
		}
	}
	return ink, bars
}
