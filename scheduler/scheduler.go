// Package scheduler runs waq's time-driven work: it moves scheduled and
// retrying messages to the ready queue the moment they are due, puts the
// messages of expired leases (a crash, a hung gateway) back in the queue, and
// runs the cron jobs: the hourly cleanup of finished messages here, and the
// jobs later parts of waq add (analytics retention, backups).
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/waqhq/waq/store"
)

// Defaults of a Scheduler.
const (
	IntervalDefault      = 50 * time.Millisecond
	SentRetentionDefault = 24 * time.Hour
)

// Scheduler promotes due messages, recovers expired leases and runs cron
// jobs. The zero value with a Store is ready to use; set the fields before
// Run.
type Scheduler struct {
	Store         *store.Store
	Now           func() time.Time // time.Now when nil
	Interval      time.Duration    // IntervalDefault when 0
	SentRetention time.Duration    // finished messages older than this are cleaned hourly; 0 = SentRetentionDefault
	Logger        *slog.Logger

	once    sync.Once
	cron    *cron.Cron
	mu      sync.Mutex
	jobCtx  context.Context // Run's context, given to the jobs
	lastErr string          // the last tick error logged, so a lasting failure is logged once
}

// Run promotes due messages and recovers expired leases every Interval (and
// at the next due time when that comes sooner), and runs the cron jobs,
// until ctx ends. Tick errors are logged, once while they last, and tried
// again at the next tick. It then waits for running jobs, which see ctx end,
// for up to 5 s, and returns nil. It returns an error only without a Store.
func (s *Scheduler) Run(ctx context.Context) error {
	if s.Store == nil {
		return errors.New("scheduler: no store")
	}
	s.init()
	s.mu.Lock()
	s.jobCtx = ctx
	s.mu.Unlock()
	s.cron.Start()
	defer s.stopJobs()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now := s.now()
		s.report(s.Tick(now))
		t.Reset(s.wait(now))
	}
}

// Tick runs one promotion and lease-recovery pass at now. Both read before
// they write, so a pass with nothing due costs no commit. It returns the
// errors of either, wrapped.
func (s *Scheduler) Tick(now time.Time) error {
	promoted, perr := s.Store.Promote(now)
	if perr != nil {
		perr = fmt.Errorf("promote due messages: %w", perr)
	}
	recovered, rerr := s.Store.RecoverLeases(now)
	if rerr != nil {
		rerr = fmt.Errorf("recover expired leases: %w", rerr)
	}
	if promoted > 0 {
		s.logger().Debug("scheduler: due messages queued", "count", promoted)
	}
	if recovered > 0 {
		s.logger().Warn("scheduler: expired leases put back in the queue", "count", recovered)
	}
	return errors.Join(perr, rerr)
}

// wait returns how long to sleep after a tick at now: until the next due
// message when that is sooner than the interval.
func (s *Scheduler) wait(now time.Time) time.Duration {
	d := s.interval()
	due, ok, err := s.Store.NextDue()
	if err != nil || !ok {
		return d
	}
	if until := due.Sub(now); until > 0 && until < d {
		return until
	}
	return d
}

// report logs a tick's error once while the same error lasts, and its end.
func (s *Scheduler) report(err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	s.mu.Lock()
	last := s.lastErr
	s.lastErr = msg
	s.mu.Unlock()
	switch {
	case msg != "" && msg != last:
		s.logger().Error("scheduler: tick failed; retrying every interval", "err", err)
	case msg == "" && last != "":
		s.logger().Info("scheduler: tick works again")
	}
}

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Scheduler) interval() time.Duration {
	if s.Interval > 0 {
		return s.Interval
	}
	return IntervalDefault
}

func (s *Scheduler) retention() time.Duration {
	if s.SentRetention > 0 {
		return s.SentRetention
	}
	return SentRetentionDefault
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
