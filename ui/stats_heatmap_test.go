package ui_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// heatmapAnswer is the answer of GET /v1/stats/heatmap.
type heatmapAnswer struct {
	Metric   string       `json:"metric"`
	Timezone string       `json:"timezone"`
	Cells    []stats.Cell `json:"cells"`
}

func TestHeatmapRoute(t *testing.T) {
	b := setupStats(t)
	b.addDeltas(t,
		stats.Delta{At: today(9, 30), Counters: stats.Counters{Sent: 10, Read: 2}},
		stats.Delta{At: today(9, 45), Campaign: "promo", Counters: stats.Counters{Sent: 4, Read: 1, Replied: 1}},
		stats.Delta{At: today(10, 0).Add(-72 * time.Hour), Counters: stats.Counters{Read: 3, Replied: 2}},
	)
	f := func(query string, sent, read, replied uint64) {
		t.Helper()
		h := decode[heatmapAnswer](t, b.do(t, "GET", "/v1/stats/heatmap?"+query, "").want(t, http.StatusOK))
		if len(h.Cells) != 168 || h.Timezone != "Europe/Madrid" {
			t.Fatalf("%s: %d cells in %q", query, len(h.Cells), h.Timezone)
		}
		var s, r, p uint64
		for i, c := range h.Cells {
			if c.Weekday != i/24 || c.Hour != i%24 {
				t.Fatalf("%s: cell %d is %d/%d", query, i, c.Weekday, c.Hour)
			}
			s, r, p = s+c.Sent, r+c.Read, p+c.Replied
		}
		if s != sent || r != read || p != replied {
			t.Fatalf("%s: cells sum to %d %d %d, want %d %d %d", query, s, r, p, sent, read, replied)
		}
	}
	f("metric=sent", 14, 6, 3) // four weeks up to now by default
	f("metric=read_rate&from=2026-11-26", 14, 3, 1)
	f("metric=reply_rate&campaign=promo", 4, 1, 1)
	h := decode[heatmapAnswer](t, b.do(t, "GET", "/v1/stats/heatmap", "").want(t, http.StatusOK))
	if h.Metric != "read_rate" || h.Cells[3*24+9].Value != 3.0/14 {
		t.Fatalf("default metric %q, Thursday 09:00 %+v", h.Metric, h.Cells[3*24+9])
	}
	b.do(t, "GET", "/v1/stats/heatmap?metric=opens", "").wantError(t, http.StatusUnprocessableEntity, "invalid", "metric")
	b.do(t, "GET", "/v1/stats/heatmap?to=yesterday", "").wantError(t, http.StatusUnprocessableEntity, "invalid", "to")
}

// setupBest is setupStats whose server answers send_at "best".
func setupBest(t *testing.T) *bundle {
	t.Helper()
	b := setupStats(t)
	r, err := stats.NewReader(b.st, madrid, b.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	best := &stats.Best{Reader: r}
	b.srv = ui.NewServer(b.st, ui.Options{Version: "test", MaxAttempts: 4, Now: b.clock.Now, Stats: r, BestHour: best.Hour})
	b.h = b.srv.Handler()
	return b
}

func TestSendAtBest(t *testing.T) {
	b := setupBest(t)
	// everyone reads at 20:00 on Tuesdays: on a Thursday at 11:00, 20:00 it is
	b.addDeltas(t, stats.Delta{At: time.Date(2026, 11, 24, 20, 0, 0, 0, madrid), Counters: stats.Counters{Read: 30}})
	m := b.message(t, `{"to": "+34600111222", "text": "hola", "send_at": "best"}`)
	want := time.Date(2026, 11, 26, 20, 0, 0, 0, madrid)
	if m.Status != store.Scheduled || m.SendAt == nil || !m.SendAt.Equal(want) ||
		len(m.History) != 1 || !strings.Contains(m.History[0].Note, "all contacts") {
		t.Fatalf("send_at best: %s %v %+v", m.Status, m.SendAt, m.History)
	}
	before := b.counts(t)
	f := func(body, field string) {
		t.Helper()
		b.do(t, "POST", "/v1/messages", body).wantError(t, http.StatusUnprocessableEntity, "invalid", field)
		b.unchanged(t, before)
	}
	f(`{"to": "+34600111222", "text": "x", "send_at": "best", "within": "soon"}`, "within")
	f(`{"to": "+34600111222", "text": "x", "send_at": "best", "within": "8d"}`, "within")
	f(`{"to": "+34600111222", "text": "x", "send_at": "best", "within": "200h"}`, "within")
	f(`{"to": "+34600111222", "text": "x", "within": "24h"}`, "within")
	f(`{"to": "+34600111222", "text": "x", "send_at": "best", "delay": "1h"}`, "delay")
	e := b.do(t, "POST", "/v1/messages/bulk", `{"messages": [{"to": "+34600111222", "text": "x", "send_at": "best", "within": "1m"}]}`).
		wantError(t, http.StatusUnprocessableEntity, "invalid", "")
	if len(e.Items) != 1 || e.Items[0].Field != "within" {
		t.Fatalf("bulk: %+v", e)
	}
	b.unchanged(t, before)
}

// Without analytics, send_at "best" is refused on its field.
func TestSendAtBestWithoutAnalytics(t *testing.T) {
	b := setup(t)
	b.do(t, "POST", "/v1/messages", `{"to": "+34600111222", "text": "x", "send_at": "best"}`).
		wantError(t, http.StatusUnprocessableEntity, "invalid", "send_at")
}
