package stats

import (
	"fmt"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// Retention defaults: minute buckets for WAQ_STATS_RETENTION, hour buckets
// for WAQ_STATS_HOUR_RETENTION; day buckets are kept for ever.
const (
	MinuteRetentionDefault = 720 * time.Hour
	HourRetentionDefault   = 365 * 24 * time.Hour
	retainBatch            = 5000 // records one commit deletes
)

// Retention drops the fine buckets the reports no longer need.
type Retention struct {
	Store  *store.Store
	Minute time.Duration // MinuteRetentionDefault when 0
	Hour   time.Duration // HourRetentionDefault when 0
}

// Run deletes the minute buckets that started more than Minute before now
// and the hour buckets more than Hour before, in commits of retainBatch,
// and returns how many records it deleted. A bucket is deleted whole: its
// records of every dimension share the start.
func (r *Retention) Run(now time.Time) (int, error) {
	total := 0
	for _, lv := range []struct {
		l    Level
		keep time.Duration
	}{{Minute, orDefault(r.Minute, MinuteRetentionDefault)}, {Hour, orDefault(r.Hour, HourRetentionDefault)}} {
		cutoff := recordKey(lv.l.Start(now.Add(-lv.keep), time.UTC), DimAll)
		for {
			n, err := statsdb.DeleteRange(r.Store, lv.l.bucket(), nil, cutoff, retainBatch)
			total += n
			if err != nil {
				return total, fmt.Errorf("stats retention %s: %w", lv.l, err)
			}
			if n < retainBatch {
				break
			}
		}
	}
	return total, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
