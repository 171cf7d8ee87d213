package main

import (
	"encoding/json"
	"net/http"
	"strconv"
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
	const sentMetric = `waq_messages_sent_total{wa_instance="demo"}`
	before := metricValue(get(t, cl, "/metrics"), sentMetric) // counters are per process, shared by tests
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
	if got := metricValue(get(t, cl, "/metrics"), sentMetric) - before; got != 3 {
		t.Fatalf("%s grew by %v, want 3", sentMetric, got)
	}
	_ = m
}

// metricValue returns the value of the series named name in a scrape, 0
// when it is not there.
func metricValue(scrape, name string) float64 {
	for _, line := range strings.Split(scrape, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}
