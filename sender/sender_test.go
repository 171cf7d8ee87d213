package sender

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

func TestStrictPriorityOrder(t *testing.T) {
	st := openStore(t, time.Now)
	if err := st.SetPaused(true); err != nil {
		t.Fatal(err)
	}
	var ids = map[string]string{}
	for _, name := range []string{"low1", "normal1", "critical1", "low2", "normal2", "critical2"} {
		ids[name] = enqueue(t, st, store.Priority(name[:len(name)-1]), name)
	}
	gw := &fakeGateway{}
	cfg := fastConfig()
	cfg.Concurrency = 1
	s := New(st, gw, cfg)
	start(t, s)
	time.Sleep(300 * time.Millisecond)
	if n := len(gw.calls()); n != 0 {
		t.Fatalf("%d sends while the queue was paused", n)
	}
	if err := st.SetPaused(false); err != nil {
		t.Fatal(err)
	}
	timetest.WaitFor(t, "6 sends", func() bool { return len(gw.calls()) == 6 })
	var want []string
	for _, name := range []string{"critical1", "critical2", "normal1", "normal2", "low1", "low2"} {
		want = append(want, ids[name])
	}
	if got := gw.calls(); !slices.Equal(got, want) {
		t.Fatalf("send order = %v, want %v (critical, normal, low; FIFO within each)", got, want)
	}
}

func TestConcurrencyNeverAboveTheLimit(t *testing.T) {
	st := openStore(t, time.Now)
	gw := &fakeGateway{fn: func(ctx context.Context, m *store.Message, n int) (string, error) {
		time.Sleep(40 * time.Millisecond)
		return "gw-" + m.ID, nil
	}}
	cfg := fastConfig()
	cfg.Rate, cfg.Concurrency = Rate{1000, time.Second}, 3
	var ids []string
	for range 24 {
		ids = append(ids, enqueue(t, st, store.Normal, "hi"))
	}
	start(t, New(st, gw, cfg))
	timetest.WaitFor(t, "every message sent", func() bool {
		return message(t, st, ids[len(ids)-1]).Status == store.Sent && len(gw.calls()) == len(ids)
	})
	if got := gw.maxInflight(); got != 3 {
		t.Fatalf("at most %d gateway calls at once, want 3 (the concurrency)", got)
	}
}

func TestRateHoldsEndToEnd(t *testing.T) {
	st := openStore(t, time.Now)
	gw := &fakeGateway{}
	cfg := fastConfig() // 20/200ms
	for range 50 {
		enqueue(t, st, store.Normal, "hi")
	}
	s := New(st, gw, cfg)
	start(t, s)
	var peak atomic.Int64
	timetest.WaitFor(t, "50 sends", func() bool {
		peak.Store(max(peak.Load(), int64(s.Status().SentLastWindow)))
		return len(gw.calls()) == 50
	})
	ts := gw.times()
	// A little slack: the fake stamps its calls a moment after
	// the limiter did.
	if got := maxInWindow(ts, cfg.Rate.Window-20*time.Millisecond); got > cfg.Rate.Count {
		t.Fatalf("%d calls within one window, rate %s", got, cfg.Rate)
	}
	if p := peak.Load(); p > int64(cfg.Rate.Count) {
		t.Fatalf("Status().SentLastWindow reached %d, rate %s", p, cfg.Rate)
	}
	if took := ts[49].Sub(ts[0]); took < 390*time.Millisecond {
		t.Fatalf("50 sends at %s took %s, want at least 400ms", cfg.Rate, took)
	}
}

func TestRetryBackoffThenDead(t *testing.T) {
	st := openStore(t, time.Now)
	gw := &fakeGateway{fn: func(ctx context.Context, m *store.Message, n int) (string, error) {
		if n == 0 {
			return "", errors.New("connection reset") // not a *SendError: retried
		}
		return "", &SendError{Kind: Retryable, Reason: "http 503"}
	}}
	cfg := fastConfig()
	cfg.RetryBase = time.Hour // the test promotes by hand, far ahead
	id := enqueue(t, st, store.Normal, "hi")
	start(t, New(st, gw, cfg))
	f := func(attempts int, want time.Duration, lastError string) {
		t.Helper()
		var m *store.Message
		timetest.WaitFor(t, "retrying", func() bool {
			m = message(t, st, id)
			return m.Status == store.Retrying && m.Attempts == attempts
		})
		if got := m.NextAttemptAt.Sub(m.UpdatedAt); got != want {
			t.Fatalf("after try %d the backoff was %s, want %s", attempts, got, want)
		}
		if m.LastError != lastError {
			t.Fatalf("last_error = %q, want %q", m.LastError, lastError)
		}
		if _, err := st.Promote(m.NextAttemptAt.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	f(1, time.Hour, "connection reset")
	f(2, 2*time.Hour, "http 503")
	f(3, 4*time.Hour, "http 503")
	timetest.WaitFor(t, "dead", func() bool { return message(t, st, id).Status == store.Dead })
	if m := message(t, st, id); m.Attempts != store.MaxAttemptsDefault || m.LastError != "http 503" {
		t.Fatalf("dead with attempts %d, last_error %q", m.Attempts, m.LastError)
	}
	if n := len(gw.calls()); n != store.MaxAttemptsDefault {
		t.Fatalf("%d gateway calls, want %d", n, store.MaxAttemptsDefault)
	}
}

func TestPermanentFailureIsDeadAtOnce(t *testing.T) {
	st := openStore(t, time.Now)
	gw := &fakeGateway{fn: func(ctx context.Context, m *store.Message, n int) (string, error) {
		return "", &SendError{Kind: Permanent, Reason: "number not on WhatsApp"}
	}}
	id := enqueue(t, st, store.Normal, "hi")
	start(t, New(st, gw, fastConfig()))
	timetest.WaitFor(t, "dead", func() bool { return message(t, st, id).Status == store.Dead })
	m := message(t, st, id)
	if m.Attempts != 1 || m.LastError != "number not on WhatsApp" {
		t.Fatalf("dead with attempts %d, last_error %q; want 1 and the reason", m.Attempts, m.LastError)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(gw.calls()); n != 1 {
		t.Fatalf("%d gateway calls, want 1", n)
	}
}

func TestPauseKindPausesTheInstance(t *testing.T) {
	st := openStore(t, time.Now)
	gw := &fakeGateway{fn: func(ctx context.Context, m *store.Message, n int) (string, error) {
		if n == 0 {
			return "", &SendError{Kind: Pause, Reason: "http 401: bad api key"}
		}
		return "gw-ok", nil
	}}
	cfg := fastConfig()
	cfg.Instance, cfg.Gateway = "sales-1", "evolution"
	cfg.Rate = Rate{20, time.Hour} // the failed call stays in the window
	id := enqueue(t, st, store.Normal, "hi")
	s := New(st, gw, cfg)
	start(t, s)
	timetest.WaitFor(t, "the instance paused", func() bool { return s.Status().State == StatePaused })
	want := Instance{Name: "sales-1", Gateway: "evolution", State: StatePaused,
		PausedReason: "http 401: bad api key", Rate: "20/1h", SentLastWindow: 1}
	if got := s.Status(); got != want {
		t.Fatalf("status = %+v, want %+v", got, want)
	}
	timetest.WaitFor(t, "the message queued again", func() bool { return message(t, st, id).Status == store.Queued })
	if m := message(t, st, id); m.Attempts != 0 {
		t.Fatalf("attempts = %d after a pause; a pause must not spend attempts", m.Attempts)
	}
	time.Sleep(400 * time.Millisecond)
	if n := len(gw.calls()); n != 1 {
		t.Fatalf("%d gateway calls while paused, want 1", n)
	}
	s.Resume()
	timetest.WaitFor(t, "sent after resume", func() bool { return message(t, st, id).Status == store.Sent })
	if got := s.Status(); got.State != StateActive || got.PausedReason != "" {
		t.Fatalf("status after resume = %+v", got)
	}
	if m := message(t, st, id); m.Attempts != 1 || m.GatewayMessageID != "gw-ok" {
		t.Fatalf("sent with attempts %d, gateway id %q", m.Attempts, m.GatewayMessageID)
	}
}

func TestGracefulStopWaitsForTheSendInFlight(t *testing.T) {
	st := openStore(t, time.Now)
	calling := make(chan struct{})
	var cancelled atomic.Bool
	gw := &fakeGateway{fn: func(ctx context.Context, m *store.Message, n int) (string, error) {
		close(calling)
		time.Sleep(300 * time.Millisecond)
		cancelled.Store(ctx.Err() != nil)
		return "gw-slow", nil
	}}
	id := enqueue(t, st, store.Normal, "hi")
	stop := start(t, New(st, gw, fastConfig()))
	<-calling
	took := stop()
	if m := message(t, st, id); m.Status != store.Sent {
		t.Fatalf("after stop the message is %s, want sent: Run returned before the send ended", m.Status)
	}
	if cancelled.Load() {
		t.Fatalf("the stop cancelled the gateway call before the stop timeout")
	}
	if took < 200*time.Millisecond {
		t.Fatalf("Run returned %s after stop; the send needed about 300ms", took)
	}
}

func TestStopTimeoutCancelsAndReleases(t *testing.T) {
	st := openStore(t, time.Now)
	calling := make(chan struct{})
	gw := &fakeGateway{fn: func(ctx context.Context, m *store.Message, n int) (string, error) {
		close(calling)
		<-ctx.Done()
		return "", ctx.Err()
	}}
	cfg := fastConfig()
	cfg.StopTimeout = 100 * time.Millisecond
	id := enqueue(t, st, store.Normal, "hi")
	stop := start(t, New(st, gw, cfg))
	<-calling
	if took := stop(); took < 100*time.Millisecond || took > 2*time.Second {
		t.Fatalf("Run returned %s after stop, want just after the 100ms stop timeout", took)
	}
	m := message(t, st, id)
	if m.Status != store.Queued || m.Attempts != 0 {
		t.Fatalf("after a timed-out stop the message is %s with %d attempts, want queued with 0", m.Status, m.Attempts)
	}
}

func TestRateHoldsAcrossARestart(t *testing.T) {
	st := openStore(t, time.Now)
	gw := &fakeGateway{}
	cfg := fastConfig()
	cfg.Rate = Rate{3, time.Hour}
	for range 3 {
		enqueue(t, st, store.Normal, "hi")
	}
	s := New(st, gw, cfg)
	stop := start(t, s)
	timetest.WaitFor(t, "3 sends", func() bool { return len(gw.calls()) == 3 })
	if got := s.Status().SentLastWindow; got != 3 {
		t.Fatalf("sent_last_window = %d, want 3", got)
	}
	stop()
	id := enqueue(t, st, store.Critical, "one too many")
	s = New(st, gw, cfg)
	start(t, s)
	timetest.WaitFor(t, "the restart counted", func() bool { return s.Status().SentLastWindow == 3 })
	time.Sleep(300 * time.Millisecond)
	if n, m := len(gw.calls()), message(t, st, id); n != 3 || m.Status != store.Queued {
		t.Fatalf("after a restart: %d calls, message %s; the hour's rate of 3 was already spent", n, m.Status)
	}
}

func TestRunRefusesABadConfig(t *testing.T) {
	st := openStore(t, time.Now)
	f := func(gw Gateway, cfg Config) {
		t.Helper()
		if err := New(st, gw, cfg).Run(context.Background()); err == nil {
			t.Fatalf("Run(%+v) = nil, want an error", cfg)
		}
	}
	f(&fakeGateway{}, Config{Concurrency: -2})
	f(&fakeGateway{}, Config{Rate: Rate{Count: 0, Window: time.Second}})
	f(nil, Config{})
}

func TestSendErrorText(t *testing.T) {
	inner := errors.New("dial tcp: timeout")
	f := func(e *SendError, want, reason string) {
		t.Helper()
		if got := e.Error(); got != want {
			t.Fatalf("Error() = %q, want %q", got, want)
		}
		if got := e.reason(); got != reason {
			t.Fatalf("reason() = %q, want %q", got, reason)
		}
	}
	f(&SendError{Kind: Retryable, Reason: "evolution unreachable", Err: inner}, "evolution unreachable: dial tcp: timeout", "evolution unreachable: dial tcp: timeout")
	f(&SendError{Kind: Permanent, Reason: "not on WhatsApp"}, "not on WhatsApp", "not on WhatsApp")
	f(&SendError{Kind: Retryable, Err: inner}, "dial tcp: timeout", "dial tcp: timeout")
	f(&SendError{Kind: Pause}, "", "pause gateway error")
	if !errors.Is(&SendError{Err: inner}, inner) {
		t.Fatalf("SendError does not unwrap")
	}
}
