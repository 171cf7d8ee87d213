package stats

import (
	"fmt"
	"slices"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/store"
)

// change is the set of things one transition of the store counts.
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

// classify says what a transition of the store's feed counts:
//   - enqueued for a message created to be sent (enqueued, and held: an
//     import counts when it arrives, not again at its cutover);
//   - sent for the first gateway status of a message that was sending (or
//     queued, when its lease had expired): MarkSent's sent, or a gateway
//     report that came first;
//   - a failed try for retried and dead (both from sending), a failed
//     delivery for failed;
//   - dead for dead, and for a release at cutover that ends in dead;
//   - delivered and read when the message gains delivered_at or read_at,
//     so a read that skips delivered counts both.
//
// Every other kind (leased, deferred, returned, recovered, promoted,
// cancelled, drained, suppressed, requeued, imported, cleaned, deleted)
// counts nothing.
func classify(tr *store.Transition) change {
	switch tr.Kind {
	case store.KindEnqueued, store.KindHeld:
		return chEnqueued
	case store.KindRetried:
		return chFailRetry
	case store.KindDead:
		return chFailDead | chDead
	case store.KindReleased:
		if tr.To == store.Dead {
			return chDead
		}
	case store.KindSent, store.KindDelivered, store.KindRead, store.KindFailed:
		return gatewayChange(tr)
	}
	return 0
}

// gatewayChange is what a gateway status counts.
func gatewayChange(tr *store.Transition) change {
	var k change
	if tr.From == store.Sending || tr.From == store.Queued {
		k |= chSent
	}
	switch tr.Kind {
	case store.KindFailed:
		k |= chFailDelivery
	case store.KindRead:
		if tr.Before.ReadAt == nil {
			k |= chRead
		}
		fallthrough
	case store.KindDelivered:
		if tr.Before.DeliveredAt == nil {
			k |= chDelivered
		}
	}
	return k
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
			failedCounter(r.reason, triedInstance(m)).Inc()
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

// failedCounter is the counter of a failure's reason on instance (empty
// when none sent or tried the message).
func failedCounter(reason, instance string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`waq_messages_failed_total{reason=%q,%s=%q}`, reason, instanceLabel, instance))
}

// triedInstance is the instance a try of m counts on: the one that sent
// it, else the one that tried it (see triedDims).
func triedInstance(m *store.Message) string {
	if m.Instance != "" {
		return m.Instance
	}
	return m.TriedBy
}
