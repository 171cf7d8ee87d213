package packaging

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dashboardExprs returns the queries of the panel titled title, with the
// dashboard's $instance variable set to the scrape target waq-1 and
// $wa_instance to every WhatsApp instance (Grafana's "All").
func dashboardExprs(t *testing.T, title string) []string {
	t.Helper()
	b, err := os.ReadFile("grafana/waq.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			if p.Title == title {
				e := strings.ReplaceAll(tg.Expr, "$wa_instance", ".*")
				exprs = append(exprs, strings.ReplaceAll(e, "$instance", "waq-1"))
			}
		}
	}
	if len(exprs) == 0 {
		t.Fatalf("no panel %q with queries", title)
	}
	return exprs
}

// scrapedSeries are series as Prometheus stores a scrape of waq: job and
// instance are the target's labels (packaging/prometheus/prometheus.yml),
// wa_instance is waq's WhatsApp instance. Every observation of the two
// histograms falls in the (0.25, 0.5] bucket.
const scrapedSeries = `
      - series: 'waq_messages_sent_total{job="waq", instance="waq-1", wa_instance="sales-1"}'
        values: "0+60x10"
      - series: 'waq_messages_sent_total{job="waq", instance="waq-1", wa_instance="sales-2"}'
        values: "0+30x10"
      - series: 'waq_instance_window_sends{job="waq", instance="waq-1", wa_instance="sales-1"}'
        values: "60x10"
      - series: 'waq_instance_window_limit{job="waq", instance="waq-1", wa_instance="sales-1"}'
        values: "80x10"
      - series: 'waq_instance_day_sends{job="waq", instance="waq-1", wa_instance="sales-2"}'
        values: "150x10"
      - series: 'waq_instance_daily_cap{job="waq", instance="waq-1", wa_instance="sales-2"}'
        values: "200x10"
      - series: 'waq_instance_paused{job="waq", instance="waq-1", wa_instance="sales-2"}'
        values: "1x10"
`

func histogramSeries(name string, bounds ...string) string {
	var b strings.Builder
	for _, le := range bounds {
		v := `"0x10"`
		if le != "0.05" && le != "0.1" && le != "0.25" {
			v = `"0+10x10"`
		}
		fmt.Fprintf(&b, "      - series: '%s_bucket{job=\"waq\", instance=\"waq-1\", le=\"%s\"}'\n        values: %s\n", name, le, v)
	}
	return b.String()
}

// The dashboard's sent rate, split by WhatsApp instance, and its latency
// quantiles give the expected figures on series shaped like a real scrape
// (promtool evaluates them as Prometheus would).
func TestDashboardQueries(t *testing.T) {
	if _, err := exec.LookPath("promtool"); err != nil {
		t.Skip("promtool is not installed (Debian: apt-get install prometheus)")
	}
	var sent string
	for _, e := range dashboardExprs(t, "Messages per minute") {
		if strings.Contains(e, "waq_messages_sent_total") {
			sent = e
		}
	}
	// exprTest expects the samples given as labels, value pairs.
	exprTest := func(expr string, samples ...string) string {
		s := fmt.Sprintf("      - expr: '%s'\n        eval_time: 10m\n        exp_samples:\n", expr)
		for i := 0; i+1 < len(samples); i += 2 {
			s += fmt.Sprintf("          - labels: '%s'\n            value: %s\n", samples[i], samples[i+1])
		}
		return s
	}
	perInstance := []string{`{wa_instance="sales-1"}`, "60", `{wa_instance="sales-2"}`, "30"}
	var tests strings.Builder
	tests.WriteString(exprTest(sent, perInstance...))
	// The instances' row: one series per wa_instance, with the scrape's
	// labels where the query keeps them.
	byInstance := map[string]string{
		"Sent per minute by instance": "",
		"Rate use by instance":        `{job="waq", instance="waq-1", wa_instance="sales-1"}`,
		"Daily cap use by instance":   `{job="waq", instance="waq-1", wa_instance="sales-2"}`,
		"Paused instances by name":    `{__name__="waq_instance_paused", job="waq", instance="waq-1", wa_instance="sales-2"}`,
	}
	for title, labels := range byInstance {
		e := dashboardExprs(t, title)[0]
		switch title {
		case "Sent per minute by instance":
			tests.WriteString(exprTest(e, perInstance...))
		case "Paused instances by name":
			tests.WriteString(exprTest(e, labels, "1"))
		default: // 60 of 80 in the window, 150 of a cap of 200
			tests.WriteString(exprTest(e, labels, "0.75"))
		}
	}
	// 0.25 + 0.25*q as PromQL's float arithmetic gives it (promtool
	// compares exactly).
	quantiles := map[string]string{"0.5": "0.375", "0.95": "0.48750000000000004", "0.99": "0.4975"}
	n := 0
	for _, title := range []string{"Gateway call time", "Waiting"} {
		for _, e := range dashboardExprs(t, title) {
			for q, want := range quantiles {
				if strings.HasPrefix(e, "histogram_quantile("+q+",") {
					tests.WriteString(exprTest(e, `{instance="waq-1"}`, want))
					n++
				}
			}
		}
	}
	if n != 6 {
		t.Fatalf("%d quantile queries (p50, p95, p99 of two histograms: want 6)", n)
	}
	bounds := []string{"0.05", "0.1", "0.25", "0.5", "1", "+Inf"}
	file := "tests:\n  - interval: 1m\n    input_series:" + scrapedSeries +
		histogramSeries("waq_send_duration_seconds", bounds...) +
		histogramSeries("waq_rate_limit_wait_seconds", bounds...) +
		"    promql_expr_test:\n" + tests.String()
	path := filepath.Join(t.TempDir(), "dashboard.test.yml")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("promtool", "test", "rules", path).CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules: %v\n%s\n%s", err, out, file)
	}
}
