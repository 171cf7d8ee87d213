package stats

import (
	"encoding/csv"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"
)

// CSVHeader is the header row of a report in CSV.
var CSVHeader = []string{"section", "name", "metric", "value"}

// WriteCSV writes the report as CSV for a spreadsheet: the header
// CSVHeader, then one row per figure. A metric is named by its JSON path
// within its section ("response_time.p50_seconds", "value.EUR"); name is
// the campaign on the rows of the campaigns section, one row per campaign
// and figure, the instance on those of the instances section, and empty
// elsewhere. Cells that a spreadsheet would run as a
// formula (=, +, -, @ first) get a leading apostrophe. It returns the
// writer's error.
func (rep *ReportResult) WriteCSV(w io.Writer) error {
	t := csvTable{CSVHeader}
	t.add("report", "", "period", rep.Period)
	t.add("report", "", "from", rep.From.Format(time.RFC3339))
	t.add("report", "", "to", rep.To.Format(time.RFC3339))
	t.messages(&rep.Messages)
	t.conversations(&rep.Conversations)
	t.conversions(&rep.Conversions)
	t.performance(&rep.Performance)
	for i := range rep.Campaigns {
		t.campaign(&rep.Campaigns[i])
	}
	for i := range rep.Instances {
		t.instance(&rep.Instances[i])
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(t); err != nil {
		return err
	}
	return cw.Error()
}

// csvTable is the rows of a report in CSV.
type csvTable [][]string

func (t *csvTable) add(section, name, metric, value string) {
	*t = append(*t, []string{section, cell(name), cell(metric), cell(value)})
}

func (t *csvTable) n(section, name, metric string, v uint64) {
	t.add(section, name, metric, strconv.FormatUint(v, 10))
}

func (t *csvTable) f(section, name, metric string, v float64) {
	t.add(section, name, metric, strconv.FormatFloat(v, 'f', -1, 64))
}

func (t *csvTable) messages(m *MessageStats) {
	const s = "messages"
	t.n(s, "", "enqueued", m.Enqueued)
	t.n(s, "", "sent", m.Sent)
	t.n(s, "", "delivered", m.Delivered)
	t.n(s, "", "read", m.Read)
	t.n(s, "", "failed", m.Failed)
	t.n(s, "", "dead", m.Dead)
	t.n(s, "", "received", m.Received)
	t.f(s, "", "delivery_rate", m.DeliveryRate)
	t.f(s, "", "read_rate", m.ReadRate)
}

func (t *csvTable) conversations(c *ConversationStats) {
	const s = "conversations"
	t.n(s, "", "started", c.Started)
	t.n(s, "", "ended", c.Ended)
	t.n(s, "", "active", c.Active)
	t.n(s, "", "handoffs", c.Handoffs)
	t.f(s, "", "handoff_rate", c.HandoffRate)
	t.f(s, "", "response_time.avg_seconds", c.ResponseTime.AvgSeconds)
	t.f(s, "", "response_time.p50_seconds", c.ResponseTime.P50Seconds)
	t.f(s, "", "response_time.p90_seconds", c.ResponseTime.P90Seconds)
	t.f(s, "", "response_time.p99_seconds", c.ResponseTime.P99Seconds)
}

func (t *csvTable) conversions(c *ConversionStats) {
	const s = "conversions"
	t.n(s, "", "lead", c.Lead)
	t.n(s, "", "qualified_lead", c.QualifiedLead)
	t.n(s, "", "appointment", c.Appointment)
	t.n(s, "", "sale", c.Sale)
	for _, cur := range slices.Sorted(maps.Keys(c.Value)) {
		t.f(s, "", "value."+cur, c.Value[cur])
	}
	t.f(s, "", "funnel.lead_to_qualified", c.Funnel.LeadToQualified)
	t.f(s, "", "funnel.qualified_to_appointment", c.Funnel.QualifiedToAppointment)
	t.f(s, "", "funnel.appointment_to_sale", c.Funnel.AppointmentToSale)
}

func (t *csvTable) performance(p *PerformanceStats) {
	const s = "performance"
	for _, l := range []struct {
		name string
		v    *Latencies
	}{{"queue_wait", &p.QueueWait}, {"gateway_latency", &p.GatewayLatency}} {
		t.f(s, "", l.name+".p50_ms", l.v.P50MS)
		t.f(s, "", l.name+".p95_ms", l.v.P95MS)
		t.f(s, "", l.name+".p99_ms", l.v.P99MS)
	}
	t.f(s, "", "throughput_per_minute", p.ThroughputPerMinute)
	t.f(s, "", "throughput_last_minute", p.ThroughputLastMinute)
	t.f(s, "", "error_rate", p.ErrorRate)
	t.f(s, "", "retry_rate", p.RetryRate)
}

func (t *csvTable) campaign(c *CampaignStats) {
	const s = "campaigns"
	t.n(s, c.Name, "sent", c.Sent)
	t.n(s, c.Name, "delivered", c.Delivered)
	t.n(s, c.Name, "read", c.Read)
	t.n(s, c.Name, "replied", c.Replied)
	t.n(s, c.Name, "failed", c.Failed)
	t.n(s, c.Name, "conversions", c.Conversions)
	t.f(s, c.Name, "cost", c.Cost)
	t.f(s, c.Name, "revenue", c.Revenue)
	t.add(s, c.Name, "currency", c.Currency)
	t.f(s, c.Name, "roi", c.ROI)
	t.f(s, c.Name, "engagement_rate", c.EngagementRate)
	if c.Experiment != nil {
		t.experiment(c.Name, c.Experiment)
	}
}

// cell defuses a value a spreadsheet would take for a formula; a negative
// number (an ROI under break-even) stays a number.
func cell(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + v
	case '-':
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "'" + v
		}
	}
	return v
}
