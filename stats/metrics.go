// Package stats keeps the analytics of waq's traffic: counters per minute,
// hour and day in the data file, fed by the tracker from the pipeline and
// from POST /v1/events, read by the queries and reports of the stats routes;
// and the Prometheus metrics at /metrics.
package stats

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/waqhq/waq/store"
)

// Metrics writes waq's gauges, read from the store at scrape time, bbolt's
// own figures, the counters and histograms registered by the tracker, the
// sender and the webhooks, and the Go and process metrics.
type Metrics struct {
	Store  *store.Store
	Now    func() time.Time
	Paused func() map[string]bool // instance name -> paused by its gateway; nil without a gateway
	// Use returns each running instance's use of its rate window and
	// daily cap, by name; nil without a gateway.
	Use     func() map[string]InstanceUse
	Version string // waq's version, the version label of waq_build_info
}

// InstanceUse is how much of its limits one instance's sending loop used,
// as /v1/queue shows it.
type InstanceUse struct {
	WindowSends int // sends in its current rate window
	WindowLimit int // the sends its rate allows in one window
	DaySends    int // sends in the last 24 hours (counted when capped)
	DailyCap    int // today's cap with the warm-up; 0 for none
}

// The library writes # HELP and # TYPE only when asked; Prometheus,
// promtool and Grafana's metric browser want them.
func init() { metrics.ExposeMetadata(true) }

// instanceLabel names the WhatsApp instance in waq's series. Not
// "instance": Prometheus gives every scraped series an instance label of
// its own (the scrape target) and would rename ours exported_instance.
const instanceLabel = "wa_instance"

// ServeHTTP answers a Prometheus scrape.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := m.write(&buf); err != nil {
		http.Error(w, "metrics: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	m.writeDB(&buf)
	metrics.WriteGaugeUint64(&buf, fmt.Sprintf(`waq_build_info{version=%q,goversion=%q}`, m.Version, runtime.Version()), 1)
	metrics.WritePrometheus(&buf, true)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	writeWithHelp(w, buf.Bytes())
}

func (m *Metrics) write(w io.Writer) error {
	c, err := m.Store.Counts()
	if err != nil {
		return err
	}
	for _, st := range store.Statuses {
		metrics.WriteGaugeUint64(w, fmt.Sprintf(`waq_queue_depth{state=%q}`, st), uint64(c.States[st]))
	}
	metrics.WriteGaugeUint64(w, "waq_dlq_size", uint64(c.States[store.Dead]))
	pending, failing, err := m.Store.CallbackCounts()
	if err != nil {
		return err
	}
	metrics.WriteGaugeUint64(w, `waq_callback_outbox{state="pending"}`, uint64(pending))
	metrics.WriteGaugeUint64(w, `waq_callback_outbox{state="failing"}`, uint64(failing))
	age := 0.0
	if !c.OldestQueued.IsZero() {
		age = m.Now().Sub(c.OldestQueued).Seconds()
	}
	metrics.WriteGaugeFloat64(w, "waq_oldest_queued_age_seconds", age)
	full := uint64(0)
	if _, ok := m.Store.DiskFull(); ok {
		full = 1
	}
	metrics.WriteGaugeUint64(w, "waq_disk_full", full) // 1 while writes fail for lack of space
	if m.Paused != nil {
		for name, p := range m.Paused() {
			v := uint64(0)
			if p {
				v = 1
			}
			metrics.WriteGaugeUint64(w, fmt.Sprintf(`waq_instance_paused{%s=%q}`, instanceLabel, name), v)
		}
	}
	if m.Use != nil {
		writeUse(w, m.Use())
	}
	return nil
}

// writeUse writes each instance's rate window and daily cap use; the cap's
// series only for an instance that has one.
func writeUse(w io.Writer, use map[string]InstanceUse) {
	for _, name := range slices.Sorted(maps.Keys(use)) {
		u, l := use[name], fmt.Sprintf(`{%s=%q}`, instanceLabel, name)
		metrics.WriteGaugeUint64(w, "waq_instance_window_sends"+l, uint64(u.WindowSends))
		metrics.WriteGaugeUint64(w, "waq_instance_window_limit"+l, uint64(u.WindowLimit))
		if u.DailyCap > 0 {
			metrics.WriteGaugeUint64(w, "waq_instance_day_sends"+l, uint64(u.DaySends))
			metrics.WriteGaugeUint64(w, "waq_instance_daily_cap"+l, uint64(u.DailyCap))
		}
	}
}

// writeDB writes bbolt's figures about the data file.
func (m *Metrics) writeDB(w io.Writer) {
	d := m.Store.DBStats()
	metrics.WriteGaugeUint64(w, "waq_bbolt_file_bytes", uint64(d.FileBytes))
	metrics.WriteGaugeUint64(w, "waq_bbolt_free_pages", uint64(d.FreePages))
	metrics.WriteGaugeUint64(w, "waq_bbolt_pending_pages", uint64(d.PendingPages))
	metrics.WriteGaugeUint64(w, "waq_bbolt_free_bytes", uint64(d.FreeBytes))
	metrics.WriteGaugeUint64(w, "waq_bbolt_open_read_tx", uint64(d.OpenReadTxs))
	metrics.WriteCounterUint64(w, "waq_bbolt_read_tx_total", uint64(d.ReadTxs))
	metrics.WriteCounterUint64(w, "waq_bbolt_commits_total", d.Commits)
	metrics.WriteCounterUint64(w, "waq_bbolt_commit_writes_total", d.CommitWrites)
	metrics.WriteCounterUint64(w, "waq_bbolt_page_writes_total", uint64(d.PageWrites))
	metrics.WriteCounterFloat64(w, "waq_bbolt_write_seconds_total", float64(d.WriteDuration)/1e9)
}

// rateLimitWait is waq_rate_limit_wait_seconds: how long the sender waited
// for the rate or the pacing before a send.
var rateLimitWait = metrics.NewPrometheusHistogramExt("waq_rate_limit_wait_seconds",
	[]float64{0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600})

// ObserveRateLimitWait records one wait of the sender (sender.Config.OnWait).
func ObserveRateLimitWait(d time.Duration) { rateLimitWait.Update(d.Seconds()) }
