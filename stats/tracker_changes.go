package stats

import (
	"fmt"
	"slices"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/store"
)

// change is the set of things one store change counts.
type change uint8

const (
	chEnqueued     change = 1 << iota // created
	chSent                            // accepted by the gateway
	chFailRetry                       // a failed try that will be retried
	chFailDead                        // a failed try that ended in the dead-letter queue
	chFailDelivery                    // the gateway reported the delivery failed
	chDead                            // entered the dead-letter queue
	chDelivered                       // delivered_at appeared
	chRead                            // read_at appeared
)

// classify says what the move from old to m counts:
//   - enqueued when old is nil (a new message counts nothing else);
//   - sent when m leaves sending (or queued, when its lease had expired)
//     for sent, delivered, read or failed: MarkSent, possibly carrying
//     webhooks that came before it;
//   - a failed try when m goes from sending to retrying or dead, and a
//     failed delivery when m becomes failed;
//   - dead when m becomes dead;
//   - delivered and read when m gains delivered_at or read_at, so a read
//     that skips delivered counts both, and an early webhook applied by
//     MarkSent counts with the send.
//
// Everything else (leases, releases, deferrals, cancels, DLQ retries)
// counts nothing.
func classify(old, m *store.Message) change {
	if old == nil {
		return chEnqueued
	}
	var k change
	if (old.Status == store.Sending || old.Status == store.Queued) && accepted(m.Status) {
		k |= chSent
	}
	if old.Status == store.Sending && m.Status == store.Retrying {
		k |= chFailRetry
	}
	if old.Status == store.Sending && m.Status == store.Dead {
		k |= chFailDead
	}
	if m.Status == store.Failed && old.Status != store.Failed {
		k |= chFailDelivery
	}
	if m.Status == store.Dead && old.Status != store.Dead {
		k |= chDead
	}
	if old.DeliveredAt == nil && m.DeliveredAt != nil {
		k |= chDelivered
	}
	if old.ReadAt == nil && m.ReadAt != nil {
		k |= chRead
	}
	return k
}

// accepted reports whether st is a state the gateway's acceptance leads to.
func accepted(st store.Status) bool {
	return st == store.Sent || st == store.Delivered || st == store.Read || st == store.Failed
}

// The Prometheus series the tracker feeds. Their labels are fixed sets
// (priorities, configured instances, three reasons), never free text, so a
// bad day cannot blow up the series count.
var sendDuration = metrics.GetOrCreatePrometheusHistogramExt("waq_send_duration_seconds",
	[]float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30})

// Reasons of waq_messages_failed_total.
const (
	reasonRetryable = "retryable" // a failed try that will be retried
	reasonDead      = "dead"      // a failed try that ended in the DLQ
	reasonDelivery  = "delivery"  // the gateway reported a failed delivery
)

// promChange counts k in the Prometheus counters.
func promChange(k change, m *store.Message) {
	if k&chEnqueued != 0 {
		enqueuedCounter(m.Priority).Inc()
	}
	if k&chSent != 0 {
		metrics.GetOrCreateCounter(fmt.Sprintf(`waq_messages_sent_total{%s=%q}`, instanceLabel, m.Instance)).Inc()
	}
	for _, r := range []struct {
		bit    change
		reason string
	}{{chFailRetry, reasonRetryable}, {chFailDead, reasonDead}, {chFailDelivery, reasonDelivery}} {
		if k&r.bit != 0 {
			failedCounter(r.reason).Inc()
		}
	}
}

// enqueuedCounter is the counter of a priority, without formatting its
// name for every message of a bulk enqueue.
func enqueuedCounter(p store.Priority) *metrics.Counter {
	if i := slices.Index(store.Priorities, p); i >= 0 {
		return enqueuedCounters[i]
	}
	return metrics.GetOrCreateCounter(fmt.Sprintf(`waq_messages_enqueued_total{priority=%q}`, p))
}

var enqueuedCounters = func() []*metrics.Counter {
	cs := make([]*metrics.Counter, len(store.Priorities))
	for i, p := range store.Priorities {
		cs[i] = metrics.GetOrCreateCounter(fmt.Sprintf(`waq_messages_enqueued_total{priority=%q}`, p))
	}
	return cs
}()

func failedCounter(reason string) *metrics.Counter {
	return metrics.GetOrCreateCounter(`waq_messages_failed_total{reason="` + reason + `"}`)
}
