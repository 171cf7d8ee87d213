package stats

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// reportDay writes a crafted 26 November 2026 in Madrid, seen from noon of
// the 27th, with events just outside the day that must not count.
func reportDay(t testing.TB) *fixture {
	t.Helper()
	fx := newFixture(t, madrid, local(madrid, 2026, 11, 27, 12, 0))
	day := local(madrid, 2026, 11, 26, 0, 0)
	var spring Counters
	spring.Enqueued, spring.Sent, spring.Delivered, spring.Read = 10, 8, 6, 3
	spring.Failed, spring.Dead, spring.Replied, spring.Retries = 2, 1, 2, 1
	spring.Leads, spring.QualifiedLeads, spring.Appointments, spring.Sales = 4, 2, 1, 1
	spring.Value = map[string]float64{"EUR": 1200}
	spring.QueueWait.Observe(100 * time.Millisecond)
	spring.QueueWait.Observe(2 * time.Second)
	spring.Latency.Observe(250 * time.Millisecond)
	var talk Counters
	talk.Received, talk.Sent, talk.Delivered = 5, 2, 4
	talk.ConversationsStarted, talk.ConversationsEnded, talk.Handoffs = 4, 1, 1
	for _, d := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute} {
		talk.ResponseTime.Observe(d)
	}
	fx.add(t,
		Delta{At: day.Add(9 * time.Hour), Campaign: "spring", Instance: "sales-1", Type: "text", Counters: spring},
		Delta{At: day.Add(23*time.Hour + 59*time.Minute), Counters: talk},
		Delta{At: day.Add(12 * time.Hour), Campaign: "=HYPERLINK(\"x\")", Counters: Counters{Sent: 1, Delivered: 1}},
		sent(day.Add(-time.Second), 1000), sent(day.Add(24*time.Hour), 1000),
	)
	for _, c := range []Campaign{
		{Name: "spring", CostPerMessage: 0.05, FixedCost: 100, Currency: "EUR"},
		{Name: "autumn", FixedCost: 50, Currency: "EUR"},
	} {
		if err := fx.r.SetCampaign(c); err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

func TestReportDay(t *testing.T) {
	fx := reportDay(t)
	rep, err := fx.r.Report(PeriodDay, "2026-11-26")
	if err != nil {
		t.Fatal(err)
	}
	from, to := local(madrid, 2026, 11, 26, 0, 0), local(madrid, 2026, 11, 27, 0, 0)
	want := &ReportResult{Period: "day", From: from, To: to,
		Messages: MessageStats{From: from, To: to, Enqueued: 10, Sent: 11, Delivered: 11, Read: 3, Failed: 2, Dead: 1,
			Received: 5, DeliveryRate: 1, ReadRate: 0.2727},
		Conversations: ConversationStats{Started: 4, Ended: 1, Active: 3, Handoffs: 1, HandoffRate: 0.25,
			ResponseTime: ResponseTime{AvgSeconds: 70, P50Seconds: seconds(upper(bucketOf(time.Minute))),
				P90Seconds: seconds(upper(bucketOf(2 * time.Minute))), P99Seconds: seconds(upper(bucketOf(2 * time.Minute)))}},
		Conversions: ConversionStats{Lead: 4, QualifiedLead: 2, Appointment: 1, Sale: 1, Value: map[string]float64{"EUR": 1200},
			Funnel: Funnel{LeadToQualified: 0.5, QualifiedToAppointment: 0.5, AppointmentToSale: 1}},
		Performance: PerformanceStats{
			QueueWait:           Latencies{P50MS: 107.6, P95MS: 2048, P99MS: 2048},
			GatewayLatency:      Latencies{P50MS: 256, P95MS: 256, P99MS: 256},
			ThroughputPerMinute: 0.0076, ThroughputLastMinute: 2, ErrorRate: 0.1538, RetryRate: 0.0909},
		Campaigns: []CampaignStats{
			{Name: "=HYPERLINK(\"x\")", Sent: 1, Delivered: 1},
			{Name: "autumn", Cost: 50, Currency: "EUR", ROI: -1},
			{Name: "spring", Sent: 8, Delivered: 6, Read: 3, Replied: 2, Failed: 2, Conversions: 8, Cost: 100.4,
				Revenue: 1200, Currency: "EUR", ROI: 10.9522, EngagementRate: 0.25},
		},
		Instances: []InstanceStats{{Name: "sales-1", Sent: 8, Delivered: 6, Read: 3, Replied: 2, Failed: 2, Dead: 1,
			DeliveryRate: 0.75, ReadRate: 0.375}},
	}
	if !reflect.DeepEqual(rep, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", rep, want)
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "report_day.csv", buf.Bytes())
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./stats -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs:\n got: %s\nwant: %s", path, got, want)
	}
}

func TestStatsRoutesOfOneSum(t *testing.T) {
	fx := reportDay(t)
	from, to := local(madrid, 2026, 11, 26, 9, 0), local(madrid, 2026, 11, 26, 9, 1)
	dim := Filter("spring", "sales-1")
	m, err := fx.r.Messages(dim, from, to)
	if err != nil || m.Sent != 8 || m.DeliveryRate != 0.75 || m.ReadRate != 0.375 || !m.From.Equal(from) {
		t.Fatalf("messages = %+v, %v", m, err)
	}
	c, err := fx.r.Conversions(dim, from, to)
	if err != nil || c.Lead != 4 || c.Value["EUR"] != 1200 {
		t.Fatalf("conversions = %+v, %v", c, err)
	}
	p, err := fx.r.Performance(dim, from, to)
	if err != nil || p.ThroughputPerMinute != 8 || p.ErrorRate != 0.2 || p.RetryRate != 0.125 {
		t.Fatalf("performance = %+v, %v", p, err)
	}
	v, err := fx.r.Conversations(DimAll, from, to)
	if err != nil || v.Started != 0 || v.HandoffRate != 0 || v.ResponseTime.P99Seconds != 0 {
		t.Fatalf("conversations = %+v, %v", v, err)
	}
	// Nothing in the range: zeros, never a division by zero.
	m, err = fx.r.Messages(DimAll, to, to)
	if err != nil || m.Sent != 0 || m.DeliveryRate != 0 {
		t.Fatalf("empty messages = %+v, %v", m, err)
	}
}
