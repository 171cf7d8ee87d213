package stats

import (
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

func TestMetrics(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := 0; i < 3; i++ {
		if _, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	ObserveRateLimitWait(1500 * time.Millisecond)
	m := &Metrics{Store: st, Now: func() time.Time { return now.Add(90 * time.Second) },
		Paused: func() map[string]bool { return map[string]bool{"sales-1": true} }, Version: "1.2.3",
		Use: func() map[string]InstanceUse {
			return map[string]InstanceUse{"sales-1": {WindowSends: 60, WindowLimit: 80},
				"sales-2": {WindowSends: 3, WindowLimit: 20, DaySends: 150, DailyCap: 200}}
		}}
	body := scrape(t, m)
	if strings.Contains(body, `waq_instance_daily_cap{wa_instance="sales-1"}`) {
		t.Fatalf("a daily cap for an instance without one:\n%s", body)
	}
	for _, want := range []string{`waq_queue_depth{state="queued"} 3`, `waq_queue_depth{state="dead"} 0`,
		"waq_dlq_size 0", "waq_oldest_queued_age_seconds 90", "waq_disk_full 0", "go_goroutines", `waq_instance_paused{wa_instance="sales-1"} 1`,
		`waq_instance_window_sends{wa_instance="sales-1"} 60`, `waq_instance_window_limit{wa_instance="sales-1"} 80`,
		`waq_instance_day_sends{wa_instance="sales-2"} 150`, `waq_instance_daily_cap{wa_instance="sales-2"} 200`,
		"waq_bbolt_file_bytes", "waq_bbolt_commits_total 3",
		`waq_build_info{version="1.2.3",goversion="` + runtime.Version() + `"} 1`, "waq_rate_limit_wait_seconds_bucket", "process_resident_memory_bytes"} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want+" ") && !strings.Contains(body, want) {
			t.Fatalf("missing %q in:\n%s", want, body)
		}
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != 200 {
		t.Fatalf("GET /metrics: %d %s", w.Code, w.Body)
	}
	return w.Body.String()
}

// Every family of a scrape has one non-empty # HELP and one # TYPE before
// its samples, as Prometheus's text format wants.
func TestMetricsHelp(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ObserveRateLimitWait(time.Second)
	failedCounter(reasonDead, "a").Inc()
	m := &Metrics{Store: st, Now: time.Now, Paused: func() map[string]bool { return map[string]bool{"a": true, "b": false} },
		Use: func() map[string]InstanceUse {
			return map[string]InstanceUse{"a": {WindowLimit: 80, DailyCap: 10}, "b": {WindowLimit: 20, DailyCap: 5}}
		}}
	help, typ := map[string]string{}, map[string]string{}
	samples := 0
	for _, line := range strings.Split(strings.TrimSpace(scrape(t, m)), "\n") {
		if rest, ok := strings.CutPrefix(line, "# HELP "); ok {
			name, text, _ := strings.Cut(rest, " ")
			if _, dup := help[name]; dup {
				t.Errorf("%s: a second # HELP", name)
			}
			help[name] = strings.TrimSpace(text)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, kind, _ := strings.Cut(rest, " ")
			if _, dup := typ[name]; dup {
				t.Errorf("%s: a second # TYPE", name)
			}
			typ[name] = kind
			continue
		}
		samples++
		name, _, _ := strings.Cut(strings.Fields(line)[0], "{")
		family := name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if f, ok := strings.CutSuffix(name, suffix); ok && (typ[f] == "histogram" || typ[f] == "summary") {
				family = f
			}
		}
		if help[family] == "" || typ[family] == "" {
			t.Errorf("%s: HELP %q, TYPE %q before its sample %q", family, help[family], typ[family], line)
		}
	}
	if samples < 50 {
		t.Fatalf("only %d samples", samples)
	}
	for _, f := range []string{"waq_instance_paused", "waq_build_info", "waq_rate_limit_wait_seconds", "waq_messages_failed_total", "go_goroutines"} {
		if help[f] == "" {
			t.Errorf("%s: not in the scrape with a help text", f)
		}
	}
}
