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
// dashboard's $instance variable set to the scrape target waq-1.
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
				exprs = append(exprs, strings.ReplaceAll(tg.Expr, "$instance", "waq-1"))
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
	exprTest := func(expr, labels, value string) string {
		return fmt.Sprintf("      - expr: '%s'\n        eval_time: 10m\n        exp_samples:\n          - labels: '%s'\n            value: %s\n", expr, labels, value)
	}
	var tests strings.Builder
	tests.WriteString(exprTest(sent, `{wa_instance="sales-1"}`, "60"))
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
