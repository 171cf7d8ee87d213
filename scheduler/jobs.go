package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/waqhq/waq/store"
)

// The retention job. Cron specs are read in UTC.
const (
	CleanSentSpec = "0 * * * *" // at the top of every hour
	CleanSentJob  = "clean-sent"
	cleanBatch    = 1000 // messages one Clean call (one commit) removes
)

// jobsStopTimeout bounds how long Run waits for running jobs at its end.
const jobsStopTimeout = 5 * time.Second

// cleanStates are the finished states the retention job empties. Dead
// messages are not among them: the dead-letter queue waits for the operator.
var cleanStates = []store.Status{store.Sent, store.Delivered, store.Read, store.Failed, store.Cancelled}

// init creates the cron runner with the retention job, once.
func (s *Scheduler) init() {
	s.once.Do(func() {
		log := cronLogger{s.logger()}
		s.cron = cron.New(cron.WithLocation(time.UTC), cron.WithLogger(log),
			cron.WithChain(cron.Recover(log), cron.SkipIfStillRunning(log)))
		if err := s.addJob(CleanSentSpec, CleanSentJob, s.cleanSentJob); err != nil {
			panic(err) // a constant spec: a bug, not a runtime condition
		}
	})
}

// AddJob runs fn on the robfig/cron schedule spec (five fields, or a
// descriptor such as "@every 10m" or "@daily", in UTC) while Run runs; a run
// still going when the next is due is skipped. fn gets Run's context; its
// error is logged once with the job's name. AddJob returns an error for a
// spec cron cannot read.
func (s *Scheduler) AddJob(spec, name string, fn func(ctx context.Context) error) error {
	s.init()
	return s.addJob(spec, name, fn)
}

func (s *Scheduler) addJob(spec, name string, fn func(ctx context.Context) error) error {
	_, err := s.cron.AddFunc(spec, func() { s.runJob(name, fn) })
	if err != nil {
		return fmt.Errorf("add job %s: spec %q: %w", name, spec, err)
	}
	return nil
}

func (s *Scheduler) runJob(name string, fn func(ctx context.Context) error) {
	s.mu.Lock()
	ctx := s.jobCtx
	s.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	begin := time.Now()
	if err := fn(ctx); err != nil {
		s.logger().Error("scheduler: job failed", "job", name, "err", err, "ms", time.Since(begin).Milliseconds())
		return
	}
	s.logger().Debug("scheduler: job done", "job", name, "ms", time.Since(begin).Milliseconds())
}

// stopJobs stops the cron runner and waits a while for running jobs.
func (s *Scheduler) stopJobs() {
	select {
	case <-s.cron.Stop().Done():
	case <-time.After(jobsStopTimeout):
		s.logger().Warn("scheduler: cron jobs still running at stop")
	}
}

// CleanSent deletes the finished messages (sent, delivered, read, failed,
// cancelled; not dead) that entered their state more than SentRetention
// before now, a commit of cleanBatch at a time. It returns how many it
// deleted, and the store's error wrapped with the state it was cleaning.
func (s *Scheduler) CleanSent(now time.Time) (int, error) {
	cutoff := now.Add(-s.retention())
	total := 0
	for _, st := range cleanStates {
		for {
			n, err := s.Store.Clean(st, cutoff, cleanBatch)
			total += n
			if err != nil {
				return total, fmt.Errorf("clean %s messages: %w", st, err)
			}
			if n < cleanBatch {
				break
			}
		}
	}
	return total, nil
}

// PendingRetention is how long a gateway's report for an id no message
// carries is kept: the sender stores an id within seconds of the send, so
// an older report is about a message sent by something else.
const PendingRetention = 24 * time.Hour

func (s *Scheduler) cleanSentJob(ctx context.Context) error {
	now := s.now()
	n, err := s.CleanSent(now)
	if n > 0 {
		s.logger().Info("scheduler: finished messages cleaned", "count", n, "retention", s.retention())
	}
	if err != nil {
		return err
	}
	return s.CleanReceived(now)
}

// CleanReceived forgets the inbound messages older than
// store.InboundRetention and the gateway reports older than PendingRetention
// whose message never showed up.
func (s *Scheduler) CleanReceived(now time.Time) error {
	for {
		n, err := s.Store.CleanInbound(now.Add(-store.InboundRetention), cleanBatch)
		if err != nil {
			return fmt.Errorf("clean inbound messages: %w", err)
		}
		if n < cleanBatch {
			break
		}
	}
	if _, err := s.Store.CleanPendingReports(now.Add(-PendingRetention)); err != nil {
		return fmt.Errorf("clean pending reports: %w", err)
	}
	return nil
}

// cronLogger sends cron's own messages (skipped runs, recovered panics) to
// slog; its chatter (schedule, wake, run) goes to debug.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
