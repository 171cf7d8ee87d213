package stats

import (
	"fmt"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// Delta is what happened at one moment in one campaign, instance and
// message type: the counters to add there.
type Delta struct {
	At       time.Time
	Campaign string
	Instance string
	Type     string
	Variant  string // the campaign's variant, counted in DimCampaignVariant
	Counters Counters
}

// batch accumulates deltas by record, so many events of one minute cost one
// write per record.
type batch map[recordID]*Counters

type recordID struct {
	level Level
	start int64
	dim   string
}

// add counts d into every level and dimension it belongs to.
func (b batch) add(d *Delta, loc *time.Location) {
	for _, l := range []Level{Minute, Hour, Day} {
		start := l.Start(d.At, loc).Unix()
		for _, dim := range dimsOf(d.Campaign, d.Instance, d.Type, d.Variant) {
			id := recordID{l, start, dim}
			c := b[id]
			if c == nil {
				c = new(Counters)
				b[id] = c
			}
			c.Add(&d.Counters)
		}
	}
}

// write adds the batch to the stored records in one transaction.
func (b batch) write(st *store.Store) error {
	return statsdb.Update(st, b.put)
}

// put adds the batch to the stored records inside tx.
func (b batch) put(tx statsdb.Tx) error {
	for id, c := range b {
		k := recordKey(time.Unix(id.start, 0), id.dim)
		var cur Counters
		if v := tx.Get(id.level.bucket(), k); v != nil {
			if err := cur.Unmarshal(v); err != nil {
				return fmt.Errorf("%s record %x: %w", id.level, k, err)
			}
		}
		cur.Add(c)
		if err := tx.Put(id.level.bucket(), k, cur.Marshal()); err != nil {
			return err
		}
	}
	return nil
}

// AddDeltas adds deltas to the stored counters in one commit: each into its
// minute, hour and day (days cut in loc), for every dimension it belongs to
// (all, its campaign, its instance, both, its message type).
func AddDeltas(st *store.Store, loc *time.Location, deltas []Delta) error {
	b := make(batch)
	for i := range deltas {
		b.add(&deltas[i], loc)
	}
	return b.write(st)
}

// ReadRecord returns the stored counters of one bucket and dimension, zero
// when there are none.
func ReadRecord(st *store.Store, l Level, start time.Time, dim string) (Counters, error) {
	var c Counters
	err := statsdb.View(st, func(tx statsdb.Tx) error {
		if v := tx.Get(l.bucket(), recordKey(start, dim)); v != nil {
			return c.Unmarshal(v)
		}
		return nil
	})
	return c, err
}
