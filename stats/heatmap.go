package stats

import (
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// Metrics of a heatmap: what a cell's value is.
const (
	HeatRead  = "read_rate"  // read / sent of the cell
	HeatReply = "reply_rate" // replied / sent of the cell
	HeatSent  = "sent"       // sent of the cell
)

// cellsN is the number of cells of a week: 7 weekdays of 24 hours.
const cellsN = 7 * 24

// Heatmap is the answer of GET /v1/stats/heatmap: the week as 168 cells,
// Monday 00:00 first, in the zone of the Reader.
type Heatmap struct {
	Metric   string `json:"metric"`
	Timezone string `json:"timezone"`
	Cells    []Cell `json:"cells"`
}

// Cell is one weekday and hour of a Heatmap. Each count is of the events
// that happened in that hour (a read at 20:00 of a message sent at 09:00
// is in the 20:00 cell), so Value may exceed 1 in hours when people read
// what was sent earlier.
type Cell struct {
	Weekday int     `json:"weekday"` // 0 Monday ... 6 Sunday
	Hour    int     `json:"hour"`
	Sent    uint64  `json:"sent"`
	Read    uint64  `json:"read"`
	Replied uint64  `json:"replied"`
	Value   float64 `json:"value"`
}

// grid holds the counts of a week's cells; index weekday*24+hour.
type grid [cellsN]struct{ sent, read, replied uint64 }

// cellOf returns the cell of t in loc.
func cellOf(t time.Time, loc *time.Location) int {
	lt := t.In(loc)
	return (int(lt.Weekday())+6)%7*24 + lt.Hour()
}

// events is the number of reads and replies of the grid.
func (g *grid) events() uint64 {
	var n uint64
	for i := range g {
		n += g[i].read + g[i].replied
	}
	return n
}

// ValidHeatMetric returns an EINVALID *store.Error naming metric unless m
// is one of HeatRead, HeatReply and HeatSent.
func ValidHeatMetric(m string) error {
	switch m {
	case HeatRead, HeatReply, HeatSent:
		return nil
	}
	return store.FieldErrorf("metric", "must be read_rate, reply_rate or sent")
}

// Heatmap returns the weekday-by-hour grid of dim for the events in
// [from, to): the hour buckets inside, the minute buckets at the edges, so
// its cells sum to what Total gives for the same range. An hour bucket is
// cut in UTC and goes to the cell of its start, so in a zone off by half an
// hour each cell is shifted by that half. It returns an EINVALID
// *store.Error for a bad metric, the store's errors and a stats error for
// a corrupt record.
func (r *Reader) Heatmap(metric, dim string, from, to time.Time) (*Heatmap, error) {
	if err := ValidHeatMetric(metric); err != nil {
		return nil, err
	}
	g, err := r.grid(dim, from, to)
	if err != nil {
		return nil, err
	}
	h := &Heatmap{Metric: metric, Timezone: r.loc.String(), Cells: make([]Cell, cellsN)}
	for i := range g {
		c := &h.Cells[i]
		c.Weekday, c.Hour = i/24, i%24
		c.Sent, c.Read, c.Replied = g[i].sent, g[i].read, g[i].replied
		c.Value = cellValue(metric, c)
	}
	return h, nil
}

func cellValue(metric string, c *Cell) float64 {
	switch {
	case metric == HeatSent:
		return float64(c.Sent)
	case c.Sent == 0:
		return 0
	case metric == HeatRead:
		return float64(c.Read) / float64(c.Sent)
	}
	return float64(c.Replied) / float64(c.Sent)
}

// grid sums dim's records of [from, to) into the cells of their starts.
func (r *Reader) grid(dim string, from, to time.Time) (*grid, error) {
	g := new(grid)
	var c Counters
	err := statsdb.View(r.st, func(tx statsdb.Tx) error {
		for _, sp := range appendSpans(nil, Hour, later(from, epoch), to, r.loc) {
			err := r.eachRecord(tx, sp.l, dim, sp.from, sp.to, func(start time.Time, v []byte) error {
				if err := c.Unmarshal(v); err != nil {
					return err
				}
				cell := &g[cellOf(start, r.loc)]
				cell.sent += c.Sent
				cell.read += c.Read
				cell.replied += c.Replied
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}
