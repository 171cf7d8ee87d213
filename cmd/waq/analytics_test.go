package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
)

// The analytics from end to end on the real clock: messages sent through
// the demo gateway and read by its simulated contacts show in the stats
// routes once the tracker has flushed, with a conversion posted as an event,
// the day's report as CSV and the counters in /metrics.
func TestAnalyticsEndToEnd(t *testing.T) {
	m, cl := startMain(t, testConfig(t.TempDir(), GatewayDemo))
	ids := enqueueN(t, cl, 3)
	for _, id := range ids {
		waitStatus(t, cl, id, store.Read)
	}
	var st struct{ Sent, Delivered, Read int }
	waitFor(t, "the stats to show the reads", func() bool {
		if err := json.Unmarshal([]byte(get(t, cl, "/v1/stats/messages")), &st); err != nil {
			t.Fatal(err)
		}
		return st.Read == 3
	})
	if st.Sent != 3 || st.Delivered != 3 {
		t.Fatalf("stats = %+v, want 3 sent, delivered and read", st)
	}
	ev := map[string]any{"type": "conversion", "kind": "lead", "contact": "+34600111222", "value": 1200, "currency": "EUR"}
	if code, err := cl.call(t.Context(), http.MethodPost, "/v1/events", ev, nil); err != nil || code != http.StatusAccepted {
		t.Fatalf("post event: %d %v", code, err)
	}
	waitFor(t, "the conversion", func() bool { return strings.Contains(get(t, cl, "/v1/stats/conversions"), `"lead":1`) })
	if csv := get(t, cl, "/v1/reports/day?format=csv"); !strings.HasPrefix(csv, "section,name,metric,value\n") || !strings.Contains(csv, "messages,,read,3") {
		t.Fatalf("csv report:\n%s", csv)
	}
	if body := get(t, cl, "/metrics"); !strings.Contains(body, `waq_messages_sent_total{instance="demo"} 3`) {
		t.Fatalf("metrics lack the sends:\n%s", body)
	}
	_ = m
}
