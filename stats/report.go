package stats

import (
	"math"
	"time"
)

// MessageStats is the answer of GET /v1/stats/messages. Rates are
// fractions of sent, 0 when nothing was sent.
type MessageStats struct {
	From         time.Time `json:"from"`
	To           time.Time `json:"to"`
	Enqueued     uint64    `json:"enqueued"`
	Sent         uint64    `json:"sent"`
	Delivered    uint64    `json:"delivered"`
	Read         uint64    `json:"read"`
	Failed       uint64    `json:"failed"`
	Dead         uint64    `json:"dead"`
	Received     uint64    `json:"received"`
	DeliveryRate float64   `json:"delivery_rate"`
	ReadRate     float64   `json:"read_rate"`
}

// ConversationStats is the answer of GET /v1/stats/conversations. Active
// is the conversations open at the end of the range (see Reader.active);
// HandoffRate is a fraction of started.
type ConversationStats struct {
	Started      uint64       `json:"started"`
	Ended        uint64       `json:"ended"`
	Active       uint64       `json:"active"`
	Handoffs     uint64       `json:"handoffs"`
	HandoffRate  float64      `json:"handoff_rate"`
	ResponseTime ResponseTime `json:"response_time"`
}

// ResponseTime is the time from a contact's message to the next reply, in
// seconds. Quantiles are the upper bounds of histogram buckets (within
// 19%); the average is exact to the millisecond.
type ResponseTime struct {
	AvgSeconds float64 `json:"avg_seconds"`
	P50Seconds float64 `json:"p50_seconds"`
	P90Seconds float64 `json:"p90_seconds"`
	P99Seconds float64 `json:"p99_seconds"`
}

// ConversionStats is the answer of GET /v1/stats/conversions. Value holds
// the conversions' value by currency; each funnel step is a fraction of
// the step before it, 0 when that one is 0.
type ConversionStats struct {
	Lead          uint64             `json:"lead"`
	QualifiedLead uint64             `json:"qualified_lead"`
	Appointment   uint64             `json:"appointment"`
	Sale          uint64             `json:"sale"`
	Value         map[string]float64 `json:"value"`
	Funnel        Funnel             `json:"funnel"`
}

// Funnel is the share of each conversion step that reached the next.
type Funnel struct {
	LeadToQualified        float64 `json:"lead_to_qualified"`
	QualifiedToAppointment float64 `json:"qualified_to_appointment"`
	AppointmentToSale      float64 `json:"appointment_to_sale"`
}

// PerformanceStats is the answer of GET /v1/stats/performance.
// ThroughputPerMinute is the range's average: sent over the minutes of the
// range that have passed (at least one); ThroughputLastMinute is the sends
// of the minute before its end (see Reader.lastMinute). ErrorRate is
// failed/(sent+failed) and RetryRate retries/sent.
type PerformanceStats struct {
	QueueWait            Latencies `json:"queue_wait"`
	GatewayLatency       Latencies `json:"gateway_latency"`
	ThroughputPerMinute  float64   `json:"throughput_per_minute"`
	ThroughputLastMinute float64   `json:"throughput_last_minute"`
	ErrorRate            float64   `json:"error_rate"`
	RetryRate            float64   `json:"retry_rate"`
}

// Latencies are quantiles of a duration in milliseconds: upper bounds of
// histogram buckets, within 19%.
type Latencies struct {
	P50MS float64 `json:"p50_ms"`
	P95MS float64 `json:"p95_ms"`
	P99MS float64 `json:"p99_ms"`
}

// Messages returns the message counts of dim over [from, to) (see Total).
func (r *Reader) Messages(dim string, from, to time.Time) (MessageStats, error) {
	c, err := r.Total(dim, from, to)
	return messageStats(&c, from.In(r.loc), to.In(r.loc)), err
}

// Conversations returns the conversation counts of dim over [from, to),
// and those open at its end.
func (r *Reader) Conversations(dim string, from, to time.Time) (ConversationStats, error) {
	c, err := r.Total(dim, from, to)
	if err != nil {
		return ConversationStats{}, err
	}
	s := conversationStats(&c)
	s.Active, err = r.active(dim, to)
	return s, err
}

// Conversions returns the conversions of dim over [from, to).
func (r *Reader) Conversions(dim string, from, to time.Time) (ConversionStats, error) {
	c, err := r.Total(dim, from, to)
	return conversionStats(&c), err
}

// Performance returns the latencies and rates of dim over [from, to), and
// the throughput of its last minute.
func (r *Reader) Performance(dim string, from, to time.Time) (PerformanceStats, error) {
	c, err := r.Total(dim, from, to)
	if err != nil {
		return PerformanceStats{}, err
	}
	p := performanceStats(&c, from, earlier(to, r.now()))
	p.ThroughputLastMinute, err = r.lastMinute(dim, to)
	return p, err
}

func messageStats(c *Counters, from, to time.Time) MessageStats {
	return MessageStats{From: from, To: to,
		Enqueued: c.Enqueued, Sent: c.Sent, Delivered: c.Delivered, Read: c.Read,
		Failed: c.Failed, Dead: c.Dead, Received: c.Received,
		DeliveryRate: rate(c.Delivered, c.Sent), ReadRate: rate(c.Read, c.Sent)}
}

func conversationStats(c *Counters) ConversationStats {
	h := &c.ResponseTime
	return ConversationStats{
		Started: c.ConversationsStarted, Ended: c.ConversationsEnded,
		Handoffs: c.Handoffs, HandoffRate: rate(c.Handoffs, c.ConversationsStarted),
		ResponseTime: ResponseTime{AvgSeconds: seconds(h.Mean()), P50Seconds: seconds(h.Quantile(0.5)),
			P90Seconds: seconds(h.Quantile(0.9)), P99Seconds: seconds(h.Quantile(0.99))},
	}
}

func conversionStats(c *Counters) ConversionStats {
	v := make(map[string]float64, len(c.Value))
	for cur, x := range c.Value {
		v[cur] = money(x)
	}
	return ConversionStats{Lead: c.Leads, QualifiedLead: c.QualifiedLeads, Appointment: c.Appointments,
		Sale: c.Sales, Value: v,
		Funnel: Funnel{LeadToQualified: rate(c.QualifiedLeads, c.Leads),
			QualifiedToAppointment: rate(c.Appointments, c.QualifiedLeads),
			AppointmentToSale:      rate(c.Sales, c.Appointments)}}
}

// performanceStats computes the throughput over [from, until): the part of
// the range that has passed, so today's figure is not diluted by the
// hours still to come.
func performanceStats(c *Counters, from, until time.Time) PerformanceStats {
	p := PerformanceStats{QueueWait: latencies(&c.QueueWait), GatewayLatency: latencies(&c.Latency),
		ErrorRate: rate(c.Failed, c.Sent+c.Failed), RetryRate: rate(c.Retries, c.Sent)}
	if until.After(from) {
		p.ThroughputPerMinute = round(float64(c.Sent)/max(until.Sub(from).Minutes(), 1), 4)
	}
	return p
}

func latencies(h *Histogram) Latencies {
	return Latencies{P50MS: millis(h.Quantile(0.5)), P95MS: millis(h.Quantile(0.95)), P99MS: millis(h.Quantile(0.99))}
}

// rate returns n/of rounded to 4 places (0.01%), 0 when of is 0.
func rate(n, of uint64) float64 {
	if of == 0 {
		return 0
	}
	return round(float64(n)/float64(of), 4)
}

// seconds and millis round to what the histograms can tell (a millisecond,
// a tenth of one near zero); money rounds away the float noise of sums.
func seconds(d time.Duration) float64 { return round(d.Seconds(), 3) }
func millis(d time.Duration) float64  { return round(float64(d)/float64(time.Millisecond), 1) }
func money(x float64) float64         { return round(x, 4) }

func round(x float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(x*p) / p
}
