package stats

import (
	"maps"
	"slices"
	"time"

	"github.com/waqhq/waq/store/statsdb"
)

// InstanceStats is one WhatsApp instance's messages in a report: those it
// sent (routed ones on the instance that sent them), what became of them,
// the replies they got and what contacts wrote to it. Rates are fractions
// of sent, as in MessageStats.
type InstanceStats struct {
	Name         string  `json:"name"`
	Sent         uint64  `json:"sent"`
	Delivered    uint64  `json:"delivered"`
	Read         uint64  `json:"read"`
	Replied      uint64  `json:"replied"`
	Failed       uint64  `json:"failed"`
	Dead         uint64  `json:"dead"`
	Received     uint64  `json:"received"`
	DeliveryRate float64 `json:"delivery_rate"`
	ReadRate     float64 `json:"read_rate"`
}

// Instances returns, sorted, the instances with counters on the days that
// [from, to) touches. It returns the store's errors.
func (r *Reader) Instances(from, to time.Time) ([]string, error) {
	names := map[string]bool{}
	err := statsdb.View(r.st, func(tx statsdb.Tx) error {
		r.seen(tx, DimInstance(""), later(from, epoch), to, names)
		return nil
	})
	return slices.Sorted(maps.Keys(names)), err
}

// AllInstanceStats returns the figures over [from, to) of every instance
// that Instances lists, sorted by name. It returns the store's errors.
func (r *Reader) AllInstanceStats(from, to time.Time) ([]InstanceStats, error) {
	names, err := r.Instances(from, to)
	if err != nil {
		return nil, err
	}
	out := make([]InstanceStats, 0, len(names))
	for _, n := range names {
		c, err := r.Total(DimInstance(n), from, to)
		if err != nil {
			return nil, err
		}
		out = append(out, InstanceStats{Name: n, Sent: c.Sent, Delivered: c.Delivered, Read: c.Read,
			Replied: c.Replied, Failed: c.Failed, Dead: c.Dead, Received: c.Received,
			DeliveryRate: rate(c.Delivered, c.Sent), ReadRate: rate(c.Read, c.Sent)})
	}
	return out, nil
}

func (t *csvTable) instance(in *InstanceStats) {
	const s = "instances"
	t.n(s, in.Name, "sent", in.Sent)
	t.n(s, in.Name, "delivered", in.Delivered)
	t.n(s, in.Name, "read", in.Read)
	t.n(s, in.Name, "replied", in.Replied)
	t.n(s, in.Name, "failed", in.Failed)
	t.n(s, in.Name, "dead", in.Dead)
	t.n(s, in.Name, "received", in.Received)
	t.f(s, in.Name, "delivery_rate", in.DeliveryRate)
	t.f(s, in.Name, "read_rate", in.ReadRate)
}
