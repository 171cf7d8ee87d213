package packaging

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/waqhq/waq/stats"
)

var metricName = regexp.MustCompile(`\b((?:waq|go|process)_[a-z0-9_]+)`)

// referencedMetrics returns the metric names the Grafana dashboard and the
// alert rules query, without the _sum, _count and _bucket of histograms.
func referencedMetrics(t *testing.T) []string {
	t.Helper()
	var text []byte
	for _, path := range []string{"grafana/waq.json", "prometheus/waq-alerts.yml"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text = append(text, b...)
	}
	seen := map[string]bool{}
	for _, m := range metricName.FindAllSubmatch(text, -1) {
		name := string(m[1])
		for _, suffix := range []string{"_sum", "_count", "_bucket"} {
			name = strings.TrimSuffix(name, suffix)
		}
		seen[name] = true
	}
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// sourceMetrics returns every waq_ name the repository's Go code writes.
func sourceMetrics(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range regexp.MustCompile("[\"`](waq_[a-z0-9_]+)").FindAllSubmatch(b, -1) {
			names[string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// The dashboard is an importable Grafana dashboard whose every panel asks
// for metrics waq writes: a metric renamed in the code shows up here
// rather than as an empty panel.
func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile("grafana/waq.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID, Title string
		Panels     []struct {
			Type, Title string
			Targets     []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("grafana/waq.json: %v", err)
	}
	if dash.UID == "" || dash.Title == "" || len(dash.Panels) < 10 {
		t.Fatalf("dashboard uid %q, title %q, %d panels", dash.UID, dash.Title, len(dash.Panels))
	}
	for _, p := range dash.Panels {
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
	}
	known := sourceMetrics(t)
	for _, name := range referencedMetrics(t) {
		if strings.HasPrefix(name, "waq_") && !known[name] {
			t.Errorf("%s: no Go code writes this metric", name)
		}
	}
}

// The alert rules parse and behave as their unit tests say, when promtool
// is installed (Debian: the prometheus package).
func TestAlertRules(t *testing.T) {
	if _, err := exec.LookPath("promtool"); err != nil {
		t.Skip("promtool is not installed (Debian: apt-get install prometheus)")
	}
	for _, args := range [][]string{
		{"check", "rules", "waq-alerts.yml"},
		{"test", "rules", "waq-alerts.test.yml"},
	} {
		cmd := exec.Command("promtool", args...)
		cmd.Dir = "prometheus"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// The Caddy example parses, when caddy is installed.
func TestCaddyfile(t *testing.T) {
	if _, err := exec.LookPath("caddy"); err != nil {
		t.Skip("caddy is not installed (Debian: apt-get install caddy)")
	}
	out, err := exec.Command("caddy", "adapt", "--config", "Caddyfile", "--adapter", "caddyfile").CombinedOutput()
	if err != nil {
		t.Fatalf("caddy adapt: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"dial":"127.0.0.1:8088"`) {
		t.Fatalf("the example does not proxy to waq's default address:\n%s", out)
	}
}

// Every waq_ family the code writes has a # HELP text at /metrics.
func TestMetricsDocumented(t *testing.T) {
	for name := range sourceMetrics(t) {
		family := strings.TrimSuffix(name, "_bucket")
		if _, ok := stats.MetricHelp(family); !ok {
			t.Errorf("%s: no help text in stats/metrics_help.go", family)
		}
	}
}
