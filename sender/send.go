package sender

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/waqhq/waq/store"
)

// send makes one gateway call for a leased message and records its outcome.
// It closes started just before the call and frees the concurrency slot as
// soon as the call returns: the slot bounds the calls in flight, and the
// next lease then shares a commit with this outcome instead of waiting for
// it. ctx is cancelled only when a stop times out.
func (s *Sender) send(ctx context.Context, m *store.Message, started chan<- struct{}) {
	call, cancel := context.WithTimeout(ctx, s.cfg.callTimeout())
	defer cancel()
	stamp := s.started(m)
	close(started)
	begin := time.Now()
	gid, err := s.call(call, m)
	took := time.Since(begin)
	s.settled(stamp)
	if err == nil {
		s.daily.add(s.cfg.Now(), 1)
	}
	<-s.slots
	s.log.Debug("gateway call", "id", m.ID, "ms", took.Milliseconds(), "err", err)
	if s.cfg.OnCall != nil {
		s.cfg.OnCall(m, took, err)
	}
	s.record(ctx, m, gid, err)
}

// call runs the gateway, turning a panic into a retryable failure so one
// bad message cannot take the process down.
func (s *Sender) call(ctx context.Context, m *store.Message) (gid string, err error) {
	defer func() {
		if p := recover(); p != nil {
			gid, err = "", &SendError{Kind: Retryable, Reason: fmt.Sprintf("gateway panicked: %v", p)}
		}
	}()
	return s.gw.Send(ctx, m)
}

// record stores what a gateway call did to the message: sent, retrying,
// dead, or back in the queue when the instance (not the message) failed or
// the sender stopped before the gateway answered.
func (s *Sender) record(ctx context.Context, m *store.Message, gid string, err error) {
	var se *SendError
	switch {
	case err == nil:
		s.sent(ctx, m, gid)
	case ctx.Err() != nil:
		s.release(m, "sender stopped before the gateway answered")
	case errors.As(err, &se) && se.Kind == Pause:
		s.Pause(se.reason())
		s.release(m, "instance paused: "+se.reason())
	case errors.As(err, &se):
		s.fail(m, se.reason(), se.Kind == Permanent, se.RetryAfter)
	case errors.Is(err, context.DeadlineExceeded):
		s.fail(m, fmt.Sprintf("gateway did not answer within %s", s.cfg.callTimeout()), false, 0)
	default:
		s.fail(m, err.Error(), false, 0)
	}
}

func (s *Sender) sent(ctx context.Context, m *store.Message, gid string) {
	as := m.SendType()
	_, err := s.st.MarkSent(m.ID, gid, as, s.cfg.Instance)
	for wait := recordRetry; err != nil && retryRecord(err); wait = min(2*wait, recordRetryMax) {
		s.log.Warn("sender: cannot record a send yet; retrying", "id", m.ID, "err", err, "in", wait)
		if sleep(ctx, wait) != nil {
			break
		}
		_, err = s.st.MarkSent(m.ID, gid, as, s.cfg.Instance)
	}
	if err != nil {
		s.log.Error("sender: record sent", "id", m.ID, "gateway_id", gid, "err", err)
		return
	}
	s.log.Debug("sent", "id", m.ID, "gateway_id", gid)
}

// Waits between tries to record a send the gateway accepted.
const (
	recordRetry    = 100 * time.Millisecond
	recordRetryMax = 5 * time.Second
)

// retryRecord reports whether recording a send failed for a reason that
// passes (a full disk, a store that cannot write now), so the outcome is
// kept and tried again: left unrecorded, the message would be sent a second
// time when its lease runs out.
func retryRecord(err error) bool {
	if errors.Is(err, store.ErrClosed) {
		return false
	}
	switch store.ErrorCode(err) {
	case store.EFULL, store.EUNAVAILABLE:
		return true
	}
	return false
}

// fail records a failed try; the next waits the message's backoff, or
// longer when the gateway asked for it (after).
func (s *Sender) fail(m *store.Message, reason string, permanent bool, after time.Duration) {
	backoff := func(n int) time.Duration { return max(s.cfg.backoff(n), after) }
	got, err := s.st.FailBy(m.ID, s.cfg.Instance, reason, permanent, backoff)
	switch {
	case err != nil:
		s.log.Error("sender: record failure", "id", m.ID, "reason", reason, "err", err)
	case got.Status == store.Dead:
		s.log.Warn("send failed; message is dead", "id", m.ID, "attempts", got.Attempts, "permanent", permanent, "reason", reason)
	default:
		s.log.Info("send failed; will retry", "id", m.ID, "attempts", got.Attempts, "next_attempt_at", got.NextAttemptAt, "reason", reason)
	}
}

func (s *Sender) release(m *store.Message, note string) {
	if _, err := s.st.Release(m.ID, note); err != nil {
		s.log.Error("sender: release", "id", m.ID, "err", err)
		return
	}
	s.log.Info("message back in the queue", "id", m.ID, "note", note)
}
