package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/waqhq/waq/stats"
)

func TestUndefuse(t *testing.T) {
	f := func(csv, want string) {
		t.Helper()
		if got := undefuse(csv); got != want {
			t.Fatalf("undefuse(%q) = %q, want %q", csv, got, want)
		}
	}
	f("'=SUM(A1)", "=SUM(A1)")
	f("'+34", "+34")
	f("'-x", "-x")
	f("'-1", "'-1") // the CSV never defuses a number
	f("'quoted", "'quoted")
	f("'", "'")
	f("spring", "spring")
}

func TestLocaleOptions(t *testing.T) {
	f := func(locale string, want CSVOptions) {
		t.Helper()
		if got := LocaleOptions(locale); got != want {
			t.Fatalf("%s: %+v, want %+v", locale, got, want)
		}
	}
	comma := CSVOptions{Sep: ';', DecimalComma: true, BOM: true}
	f("es-ES", comma)
	f("es", comma)
	f("ca_ES", comma)
	f("DE-de", comma)
	f("en-US", CSVOptions{Sep: ',', BOM: true})
	f("", CSVOptions{Sep: ',', BOM: true})
}

func TestNiceMax(t *testing.T) {
	f := func(m, want float64) {
		t.Helper()
		if got := niceMax(m); got != want {
			t.Fatalf("niceMax(%v) = %v, want %v", m, got, want)
		}
	}
	f(0, 4)
	f(3, 4)
	f(7, 10)
	f(10, 10)
	f(11, 20)
	f(33, 40)
	f(41, 50)
	f(51, 100)
	f(1234, 2000)
}

// busy is a report with more campaigns than the PDF lists, names from
// other scripts and would-be formulas, and a month's series.
func busy() (*stats.ReportResult, Series) {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, madrid)
	rep := &stats.ReportResult{Period: "month", From: from, To: from.AddDate(0, 1, 0),
		Conversions: stats.ConversionStats{Value: map[string]float64{"EUR": 12.5}}}
	names := []string{"=cmd|' /C calc'!A0", "春季促销", "Überraschung très long name that goes on and on", "-x"}
	for i := range 14 {
		n := "c" + string(rune('a'+i))
		if i < len(names) {
			n = names[i]
		}
		rep.Campaigns = append(rep.Campaigns, stats.CampaignStats{Name: n, Sent: uint64(100 * i), Currency: "EUR", ROI: -0.5})
	}
	var pts []stats.Point
	for d := from; d.Before(rep.To); d = d.AddDate(0, 0, 1) {
		pts = append(pts, stats.Point{T: d, V: float64(d.Day() * 37)})
	}
	return rep, Series{Name: "sent", Points: pts}
}

func TestXLSXKeepsNames(t *testing.T) {
	rep, _ := busy()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("campaigns")
	if len(rows) != 15 || rows[1][0] != rep.Campaigns[0].Name || rows[4][0] != "-x" {
		t.Fatalf("campaigns %q", rows)
	}
	if f, _ := x.GetCellFormula("campaigns", "A2"); f != "" {
		t.Fatalf("a name became a formula: %q", f)
	}
}

func TestPDFOnePage(t *testing.T) {
	rep, sent := busy()
	var buf bytes.Buffer
	if err := WritePDF(&buf, rep, sent, Series{Name: "read", Points: sent.Points[:10]}); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (Debian poppler-utils): the PDF is not rendered; .ci/run installs it")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", "20", path, filepath.Join(dir, "p")).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1: %s", len(pages), strings.Join(pages, " "))
	}
}
