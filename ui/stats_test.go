package ui_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/stats"
)

// statsDay writes today's traffic (and yesterday's, which the default
// range leaves out) and returns the bundle.
func statsDay(t *testing.T) *bundle {
	t.Helper()
	b := setupStats(t)
	spring := stats.Counters{Enqueued: 5, Sent: 4, Delivered: 3, Read: 2, Failed: 1, Replied: 1, Retries: 1,
		Leads: 2, Sales: 1, Value: map[string]float64{"EUR": 500}}
	spring.QueueWait.Observe(100 * time.Millisecond)
	spring.Latency.Observe(200 * time.Millisecond)
	talk := stats.Counters{Sent: 2, Received: 3, ConversationsStarted: 2, Handoffs: 1}
	talk.ResponseTime.Observe(time.Minute)
	b.addDeltas(t,
		stats.Delta{At: today(9, 0), Campaign: "spring", Instance: "sales-1", Type: "text", Counters: spring},
		stats.Delta{At: today(10, 30), Instance: "sales-2", Counters: talk},
		stats.Delta{At: today(-4, 0), Campaign: "spring", Counters: stats.Counters{Sent: 100}},
	)
	return b
}

// keys returns the sorted keys of a JSON object.
func keys(t *testing.T, raw []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not an object: %s", raw)
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// The answers have exactly the fields of the design's response shapes.
func TestStatsShapes(t *testing.T) {
	b := statsDay(t)
	f := func(path string, want string, nested ...string) {
		t.Helper()
		body := b.do(t, "GET", path, "").want(t, 200).body
		if got := strings.Join(keys(t, body), " "); got != want {
			t.Fatalf("%s keys: %s\nwant %s", path, got, want)
		}
		for i := 0; i+1 < len(nested); i += 2 {
			sub := decode[map[string]json.RawMessage](t, resp{body: body})[nested[i]]
			if got := strings.Join(keys(t, sub), " "); got != nested[i+1] {
				t.Fatalf("%s %s keys: %s, want %s", path, nested[i], got, nested[i+1])
			}
		}
	}
	f("/v1/stats/messages", "dead delivered delivery_rate enqueued failed from read read_rate received sent to")
	f("/v1/stats/conversations", "active ended handoff_rate handoffs response_time started",
		"response_time", "avg_seconds p50_seconds p90_seconds p99_seconds")
	f("/v1/stats/conversions", "appointment funnel lead qualified_lead sale value",
		"funnel", "appointment_to_sale lead_to_qualified qualified_to_appointment", "value", "EUR")
	f("/v1/stats/performance", "error_rate gateway_latency queue_wait retry_rate throughput_last_minute throughput_per_minute",
		"queue_wait", "p50_ms p95_ms p99_ms", "gateway_latency", "p50_ms p95_ms p99_ms")
	f("/v1/stats/campaigns/spring", "conversions cost currency delivered engagement_rate failed name read replied revenue roi sent")
	f("/v1/stats/campaigns", "campaigns")
	f("/v1/stats/timeseries", "interval metric points")
	f("/v1/reports/day", "campaigns conversations conversions from instances messages performance period to")
	f("/v1/stats/conversions?from=2026-11-01&to=2026-11-02", "appointment funnel lead qualified_lead sale value", "value", "")
}

func TestStatsMessages(t *testing.T) {
	b := statsDay(t)
	f := func(query string, want stats.MessageStats) {
		t.Helper()
		got := decode[stats.MessageStats](t, b.do(t, "GET", "/v1/stats/messages"+query, "").want(t, 200))
		if !got.From.Equal(want.From) || !got.To.Equal(want.To) {
			t.Fatalf("%s: range %s – %s, want %s – %s", query, got.From, got.To, want.From, want.To)
		}
		got.From, got.To, want.From, want.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if got != want {
			t.Fatalf("%s:\n got %+v\nwant %+v", query, got, want)
		}
	}
	f("", stats.MessageStats{From: today(0, 0), To: today(11, 0), Enqueued: 5, Sent: 6, Delivered: 3, Read: 2,
		Failed: 1, Received: 3, DeliveryRate: 0.5, ReadRate: 0.3333}) // today so far
	f("?campaign=spring", stats.MessageStats{From: today(0, 0), To: today(11, 0), Enqueued: 5, Sent: 4, Delivered: 3,
		Read: 2, Failed: 1, DeliveryRate: 0.75, ReadRate: 0.5})
	f("?campaign=spring&instance=sales-1&from=2026-11-25", stats.MessageStats{From: today(-24, 0), To: today(11, 0),
		Enqueued: 5, Sent: 4, Delivered: 3, Read: 2, Failed: 1, DeliveryRate: 0.75, ReadRate: 0.5})
	f("?campaign=spring&from=2026-11-25", stats.MessageStats{From: today(-24, 0), To: today(11, 0),
		Enqueued: 5, Sent: 104, Delivered: 3, Read: 2, Failed: 1, DeliveryRate: 0.0288, ReadRate: 0.0192})
	f("?instance=sales-2", stats.MessageStats{From: today(0, 0), To: today(11, 0), Sent: 2, Received: 3})
	f("?from=2026-11-26T10:00:00%2B01:00&to=2026-11-26T10:31:00%2B01:00",
		stats.MessageStats{From: today(10, 0), To: today(10, 31), Sent: 2, Received: 3})
	f("?from=2026-11-26T10:00:00+01:00&to=2026-11-26T10:30:00+01:00", // "+" unescaped
		stats.MessageStats{From: today(10, 0), To: today(10, 30)})
	f("?to=2026-11-26", stats.MessageStats{From: today(-24, 0), To: today(0, 0), Sent: 100, ReadRate: 0})
}

func TestStatsOthers(t *testing.T) {
	b := statsDay(t)
	c := decode[stats.ConversationStats](t, b.do(t, "GET", "/v1/stats/conversations", "").want(t, 200))
	if c.Started != 2 || c.Active != 2 || c.Handoffs != 1 || c.HandoffRate != 0.5 || c.ResponseTime.AvgSeconds != 60 {
		t.Fatalf("conversations: %+v", c)
	}
	v := decode[stats.ConversionStats](t, b.do(t, "GET", "/v1/stats/conversions?campaign=spring", "").want(t, 200))
	if v.Lead != 2 || v.Sale != 1 || v.Value["EUR"] != 500 || v.Funnel.LeadToQualified != 0 {
		t.Fatalf("conversions: %+v", v)
	}
	p := decode[stats.PerformanceStats](t, b.do(t, "GET", "/v1/stats/performance", "").want(t, 200))
	if p.ThroughputPerMinute != 0.0091 || p.ErrorRate != 0.1429 || p.RetryRate != 0.1667 || p.QueueWait.P50MS < 100 {
		t.Fatalf("performance: %+v", p) // 6 sent in the 660 minutes since midnight
	}
}

func TestStatsCampaigns(t *testing.T) {
	b := statsDay(t)
	cs := decode[struct{ Campaigns []stats.CampaignStats }](t, b.do(t, "GET", "/v1/stats/campaigns", "").want(t, 200))
	want := []stats.CampaignStats{{Name: "spring", Sent: 4, Delivered: 3, Read: 2, Replied: 1, Failed: 1,
		Conversions: 3, Revenue: 500, Currency: "EUR", EngagementRate: 0.25}}
	if !reflect.DeepEqual(cs.Campaigns, want) {
		t.Fatalf("campaigns: %+v", cs.Campaigns)
	}
	put := b.do(t, "PUT", "/v1/campaigns/spring", `{"cost_per_message": 0.5, "fixed_cost": 48, "currency": "EUR"}`).want(t, 200)
	if got := decode[stats.Campaign](t, put); !reflect.DeepEqual(got, stats.Campaign{Name: "spring", CostPerMessage: 0.5, FixedCost: 48, Currency: "EUR"}) {
		t.Fatalf("put: %s", put.body)
	}
	b.do(t, "PUT", "/v1/campaigns/autumn", `{"currency": "USD"}`).want(t, 200)
	want[0].Cost, want[0].ROI = 50, 9
	one := decode[stats.CampaignStats](t, b.do(t, "GET", "/v1/stats/campaigns/spring", "").want(t, 200))
	if one != want[0] {
		t.Fatalf("spring: %+v", one)
	}
	cs = decode[struct{ Campaigns []stats.CampaignStats }](t, b.do(t, "GET", "/v1/stats/campaigns", "").want(t, 200))
	if len(cs.Campaigns) != 2 || cs.Campaigns[0].Name != "autumn" || cs.Campaigns[0].Currency != "USD" || cs.Campaigns[1] != want[0] {
		t.Fatalf("campaigns after PUT: %+v", cs.Campaigns)
	}
	cs = decode[struct{ Campaigns []stats.CampaignStats }](t, b.do(t, "GET", "/v1/stats/campaigns?instance=sales-2", "").want(t, 200))
	if len(cs.Campaigns) != 2 || cs.Campaigns[1].Sent != 0 || cs.Campaigns[1].Cost != 48 {
		t.Fatalf("campaigns of sales-2: %+v", cs.Campaigns)
	}
	if one := decode[stats.CampaignStats](t, b.do(t, "GET", "/v1/stats/campaigns/nothing", "").want(t, 200)); one != (stats.CampaignStats{Name: "nothing"}) {
		t.Fatalf("unknown campaign: %+v", one)
	}
	b.do(t, "PUT", "/v1/campaigns/spring", `{"cost_per_message": -1, "currency": "EUR"}`).wantError(t, 422, "invalid", "cost_per_message")
	b.do(t, "PUT", "/v1/campaigns/spring", `{"currency": "euro"}`).wantError(t, 422, "invalid", "currency")
	b.do(t, "PUT", "/v1/campaigns/spring", `{"fixed_cost": 10}`).wantError(t, 422, "invalid", "currency")
	b.do(t, "PUT", "/v1/campaigns/"+strings.Repeat("x", 101), `{"currency": "EUR"}`).wantError(t, 422, "invalid", "name")
	b.do(t, "PUT", "/v1/campaigns/spring", `{"currency": "EUR", "name": "x"}`).wantError(t, 400, "bad_request", "name")
	b.do(t, "PUT", "/v1/campaigns/spring", `{"cost_per_message": "1", "currency": "EUR"}`).wantError(t, 400, "bad_request", "cost_per_message")
	b.do(t, "PUT", "/v1/campaigns/spring", ``).wantError(t, 400, "bad_request", "")
	b.do(t, "PUT", "/v1/campaigns/spring", `[]`).wantError(t, 400, "bad_request", "")
	if one := decode[stats.CampaignStats](t, b.do(t, "GET", "/v1/stats/campaigns/spring", "").want(t, 200)); one.Cost != 50 {
		t.Fatalf("a refused PUT changed the campaign: %+v", one)
	}
}

func TestTimeseries(t *testing.T) {
	b := statsDay(t)
	type answer struct {
		Metric, Interval string
		Points           []stats.Point
	}
	f := func(query string, metric, interval string, vs ...float64) {
		t.Helper()
		got := decode[answer](t, b.do(t, "GET", "/v1/stats/timeseries"+query, "").want(t, 200))
		if got.Metric != metric || got.Interval != interval || len(got.Points) != len(vs) {
			t.Fatalf("%s: %+v", query, got)
		}
		for i, p := range got.Points {
			if p.V != vs[i] {
				t.Fatalf("%s: point %d = %+v, want %v", query, i, p, vs[i])
			}
		}
	}
	hours := make([]float64, 11) // today so far, by hour
	hours[9], hours[10] = 4, 2
	f("", "sent", "hour", hours...)
	f("?metric=received&interval=minute&from=2026-11-26T10:29:00%2B01:00&to=2026-11-26T10:32:00%2B01:00", "received", "minute", 0, 3, 0)
	f("?metric=sent&interval=day&from=2026-11-25&campaign=spring", "sent", "day", 100, 4)
	f("?metric=read&interval=day&from=2026-11-26&to=2026-11-26", "read", "day")
	b.do(t, "GET", "/v1/stats/timeseries?metric=replied", "").wantError(t, 422, "invalid", "metric")
	b.do(t, "GET", "/v1/stats/timeseries?interval=week", "").wantError(t, 422, "invalid", "interval")
	b.do(t, "GET", "/v1/stats/timeseries?interval=minute&from=2026-01-01", "").wantError(t, 422, "invalid", "interval")
}

func TestStatsBadParams(t *testing.T) {
	b := statsDay(t)
	for _, path := range []string{"/v1/stats/messages", "/v1/stats/conversations", "/v1/stats/conversions",
		"/v1/stats/performance", "/v1/stats/campaigns", "/v1/stats/campaigns/spring", "/v1/stats/timeseries"} {
		b.do(t, "GET", path+"?from=yesterday", "").wantError(t, 422, "invalid", "from")
		b.do(t, "GET", path+"?to=2026-11-26T25:00:00Z", "").wantError(t, 422, "invalid", "to")
		b.do(t, "GET", path+"?from=2026-11-27", "").wantError(t, 422, "invalid", "from") // after to
		if path == "/v1/stats/timeseries" {
			b.do(t, "GET", path+"?from=1900-01-01&interval=day", "").wantError(t, 422, "invalid", "interval")
			continue
		}
		b.do(t, "GET", path+"?from=1900-01-01", "").want(t, 200)
		b.do(t, "GET", path+"?from=0001-01-01&to=9998-12-31T23:59:59%2B01:00", "").want(t, 200)
		b.do(t, "GET", path+"?to=9999-12-31", "").wantError(t, 422, "invalid", "to")
	}
	b.do(t, "POST", "/v1/stats/messages", "").wantError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
	b.st.Close()
	b.do(t, "GET", "/v1/stats/messages", "").wantError(t, http.StatusServiceUnavailable, "unavailable", "")
	b.do(t, "PUT", "/v1/campaigns/spring", `{"currency": "EUR"}`).wantError(t, http.StatusServiceUnavailable, "unavailable", "")
}

// Without a Reader the analytics routes answer 501.
func TestStatsNotConfigured(t *testing.T) {
	b := setup(t)
	for _, rt := range []string{
		"GET /v1/stats/messages", "GET /v1/stats/conversations", "GET /v1/stats/conversions", "GET /v1/stats/performance",
		"GET /v1/stats/campaigns", "GET /v1/stats/campaigns/spring", "GET /v1/stats/timeseries", "GET /v1/reports/day",
		"PUT /v1/campaigns/spring",
	} {
		method, path, _ := strings.Cut(rt, " ")
		b.do(t, method, path, `{}`).wantError(t, http.StatusNotImplemented, "not_implemented", "")
	}
}
