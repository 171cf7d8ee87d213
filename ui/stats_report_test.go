package ui_test

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/ui"
)

func TestReportGolden(t *testing.T) {
	b := statsDay(t)
	b.do(t, "PUT", "/v1/campaigns/spring", `{"cost_per_message": 0.05, "fixed_cost": 10, "currency": "EUR"}`).want(t, 200)
	b.clock.Add(24 * time.Hour) // the 26th is over
	golden(t, "report_day.golden.json", b.do(t, "GET", "/v1/reports/day?date=2026-11-26", "").want(t, 200).body)
}

func TestReportCSV(t *testing.T) {
	b := statsDay(t)
	r := b.do(t, "GET", "/v1/reports/week?date=2026-11-26&format=csv", "").want(t, 200)
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="waq-report-week-2026-11-23.csv"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, r.body)
	}
	want := map[[3]string]string{
		{"report", "", "from"}:              "2026-11-23T00:00:00+01:00",
		{"messages", "", "sent"}:            "106",
		{"campaigns", "spring", "sent"}:     "104",
		{"conversations", "", "handoffs"}:   "1",
		{"conversions", "", "value.EUR"}:    "500",
		{"performance", "", "retry_rate"}:   "0.0094",
		{"campaigns", "spring", "currency"}: "EUR",
	}
	if h := rows[0]; len(h) != 4 || h[0] != "section" || h[3] != "value" {
		t.Fatalf("header %q", h)
	}
	for _, row := range rows[1:] {
		if v, ok := want[[3]string{row[0], row[1], row[2]}]; ok {
			if row[3] != v {
				t.Fatalf("%q = %s, want %s", row[:3], row[3], v)
			}
			delete(want, [3]string{row[0], row[1], row[2]})
		}
	}
	if len(want) != 0 {
		t.Fatalf("rows missing: %v\n%s", want, r.body)
	}
	json := decode[stats.ReportResult](t, b.do(t, "GET", "/v1/reports/month?format=json", "").want(t, 200))
	if json.Period != "month" || json.Messages.Sent != 106 || !json.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, madrid)) {
		t.Fatalf("month: %+v", json)
	}
}

func TestReportBadParams(t *testing.T) {
	b := setupStats(t, func(o *ui.Options) { o.APIKey = "k" })
	b.key = ""
	b.do(t, "GET", "/v1/reports/day", "").wantError(t, 401, "unauthorized", "")
	b.key = "k"
	b.do(t, "GET", "/v1/reports/year", "").wantError(t, 422, "invalid", "period")
	b.do(t, "GET", "/v1/reports/day?date=26-11-2026", "").wantError(t, 422, "invalid", "date")
	b.do(t, "GET", "/v1/reports/day?format=docx", "").wantError(t, 422, "invalid", "format")
	b.do(t, "GET", "/v1/reports/day?format=csv&sep=x", "").wantError(t, 422, "invalid", "sep")
	b.do(t, "GET", "/v1/reports/day?format=csv&decimal=x", "").wantError(t, 422, "invalid", "decimal")
	b.do(t, "GET", "/v1/reports/day?format=csv&bom=yes", "").wantError(t, 422, "invalid", "bom")
	b.do(t, "GET", "/v1/reports/day?date=x&format=csv", "").wantError(t, 422, "invalid", "date")
	b.do(t, "GET", "/v1/reports/", "").wantError(t, 404, "not_found", "")
	b.do(t, "GET", "/v1/reports/day?date=0001-01-01", "").want(t, 200)
	b.do(t, "GET", "/v1/reports/month?date=9998-12-31", "").want(t, 200)
	b.do(t, "GET", "/v1/reports/month?date=9999-12-31", "").wantError(t, 422, "invalid", "date")
}
