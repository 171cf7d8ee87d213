// Package stats keeps the analytics of waq's traffic. For now it serves the
// queue's gauges in Prometheus text format at /metrics; the counters and
// reports of the analytics issue grow here.
package stats

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/waqhq/waq/store"
)

// Metrics writes waq's gauges, read from the store at scrape time, and the
// Go and process metrics.
type Metrics struct {
	Store  *store.Store
	Now    func() time.Time
	Paused func() map[string]bool // instance name -> paused by its gateway; nil without a gateway
}

// ServeHTTP answers a Prometheus scrape.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	if err := m.write(w); err != nil {
		http.Error(w, "metrics: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	metrics.WritePrometheus(w, true)
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
	age := 0.0
	if !c.OldestQueued.IsZero() {
		age = m.Now().Sub(c.OldestQueued).Seconds()
	}
	metrics.WriteGaugeFloat64(w, "waq_oldest_queued_age_seconds", age)
	if m.Paused != nil {
		for name, p := range m.Paused() {
			v := uint64(0)
			if p {
				v = 1
			}
			metrics.WriteGaugeUint64(w, fmt.Sprintf(`waq_instance_paused{instance=%q}`, name), v)
		}
	}
	return nil
}
