package stats

import (
	"net/http/httptest"
	"path/filepath"
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
		Paused: func() map[string]bool { return map[string]bool{"sales-1": true} }}
	w := httptest.NewRecorder()
	m.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{`waq_queue_depth{state="queued"} 3`, `waq_queue_depth{state="dead"} 0`,
		"waq_dlq_size 0", "waq_oldest_queued_age_seconds 90", "waq_disk_full 0", "go_goroutines", `waq_instance_paused{instance="sales-1"} 1`,
		"waq_bbolt_file_bytes", "waq_bbolt_commits_total 3", "waq_rate_limit_wait_seconds_bucket", "process_resident_memory_bytes"} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want+" ") && !strings.Contains(body, want) {
			t.Fatalf("missing %q in:\n%s", want, body)
		}
	}
}
