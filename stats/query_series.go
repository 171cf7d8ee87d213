package stats

import (
	"strings"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// SeriesMax is the most points a series has: 10 000 minutes is a week, 10
// 000 hours over a year, so a longer range asks for a coarser interval.
const SeriesMax = 10000

// Point is one bucket of a series: its start and its value.
type Point struct {
	T time.Time `json:"t"`
	V float64   `json:"v"`
}

// seriesMetrics are the counters a series can follow: those of
// /v1/stats/messages.
var seriesMetrics = map[string]func(*Counters) uint64{
	"enqueued":  func(c *Counters) uint64 { return c.Enqueued },
	"sent":      func(c *Counters) uint64 { return c.Sent },
	"delivered": func(c *Counters) uint64 { return c.Delivered },
	"read":      func(c *Counters) uint64 { return c.Read },
	"failed":    func(c *Counters) uint64 { return c.Failed },
	"dead":      func(c *Counters) uint64 { return c.Dead },
	"received":  func(c *Counters) uint64 { return c.Received },
}

// SeriesMetrics lists the metrics Series accepts.
var SeriesMetrics = []string{"enqueued", "sent", "delivered", "read", "failed", "dead", "received"}

// Series returns metric for each of dim's level-l buckets that start in
// [from, to), zeros included, with times in the reports' zone. Every
// bucket is read fresh. It returns an EINVALID *store.Error naming
// "metric" for an unknown metric and "interval" for more than SeriesMax
// points, and the store's errors.
func (r *Reader) Series(l Level, dim, metric string, from, to time.Time) ([]Point, error) {
	get, ok := seriesMetrics[metric]
	if !ok {
		return nil, store.FieldErrorf("metric", "must be one of %s", strings.Join(SeriesMetrics, ", "))
	}
	pts, err := r.points(l, later(from, epoch), to)
	if err != nil {
		return nil, err
	}
	if len(pts) == 0 {
		return pts, nil
	}
	err = statsdb.View(r.st, func(tx statsdb.Tx) error {
		i := 0
		var c Counters
		return r.eachRecord(tx, l, dim, pts[0].T, to, func(start time.Time, v []byte) error {
			for i < len(pts) && pts[i].T.Before(start) {
				i++
			}
			if i == len(pts) || !pts[i].T.Equal(start) {
				return nil // a record off the zone's bucket starts: WAQ_TIMEZONE changed
			}
			if err := c.Unmarshal(v); err != nil {
				return err
			}
			pts[i].V = float64(get(&c))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return pts, nil
}

// points returns a zero point for each level-l bucket starting in
// [from, to), or the EINVALID error of a series too long.
func (r *Reader) points(l Level, from, to time.Time) ([]Point, error) {
	pts := []Point{}
	for s := firstStart(l, from, r.loc); s.Before(to); s = l.Next(s, r.loc) {
		if len(pts) == SeriesMax {
			return nil, store.FieldErrorf("interval", "gives more than %d points for this range; use a coarser interval (hour or day) or a shorter range", SeriesMax)
		}
		pts = append(pts, Point{T: s.In(r.loc)})
	}
	return pts, nil
}
