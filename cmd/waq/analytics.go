package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/waqhq/waq/scheduler"
	"github.com/waqhq/waq/stats"
)

// StatsRetentionSpec runs the analytics retention at 17 minutes past every
// hour (UTC), away from the clean job at the top of the hour.
const (
	StatsRetentionSpec = "17 * * * *"
	StatsRetentionJob  = "stats-retention"
	RebalanceSpec      = "*/5 * * * *"
	RebalanceJob       = "campaign-rebalance"
)

// newTracker makes the analytics tracker; its Store is set once the file
// is open, before its first write (see openStore).
func (m *Main) newTracker() error {
	loc, err := time.LoadLocation(m.Config.Timezone) // Validate checked it
	if err != nil {
		return fmt.Errorf("timezone: %w", err)
	}
	m.loc = loc
	m.tracker = &stats.Tracker{Location: loc, Logger: m.Logger.With("part", "analytics")}
	return nil
}

// addRetention registers the hourly retention of fine analytics buckets.
func (m *Main) addRetention(sch *scheduler.Scheduler) error {
	r := &stats.Retention{Store: m.store, Minute: m.Config.StatsRetention, Hour: m.Config.HourRetention}
	return sch.AddJob(StatsRetentionSpec, StatsRetentionJob, func(context.Context) error {
		n, err := r.Run(time.Now())
		if n > 0 {
			m.Logger.Info("analytics buckets past their retention dropped", "records", n)
		}
		return err
	})
}

// addRebalance registers the adaptive allocation of campaign variants
// every five minutes (see stats.Reader.Rebalance).
func (m *Main) addRebalance(sch *scheduler.Scheduler) error {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x77617121))
	return sch.AddJob(RebalanceSpec, RebalanceJob, func(context.Context) error {
		return m.reader.Rebalance(rng)
	})
}

// flushAnalytics writes what the tracker counted since its last flush; the
// demo gateway's last reports come after the tracker's own final flush.
func (m *Main) flushAnalytics() error {
	if m.tracker == nil || m.tracker.Store == nil {
		return nil
	}
	return m.tracker.Flush()
}

// newBest is what answers a message's send_at "best": the analytics'
// history, inside the configured send window (none: any hour).
func (m *Main) newBest() (*stats.Best, error) {
	p, err := m.Config.Pacing() // Validate checked it
	if err != nil {
		return nil, err
	}
	b := &stats.Best{Reader: m.reader}
	if p.Window != nil { // a nil *sender.Window must not become a non-nil interface
		b.Window = p.Window
	}
	return b, nil
}
