package sender

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

func TestReceiverStatuses(t *testing.T) {
	c := timetest.NewClock()
	st := openStore(t, c.Now)
	r := &Receiver{Store: st, Now: c.Now, Logger: quiet()}
	id := enqueue(t, st, store.Normal, "hi")
	if _, err := st.Lease(c.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	status := func(gid string, s store.Status) GatewayEvent {
		return GatewayEvent{Kind: EventStatus, Source: "evolution", Name: "messages.update", GatewayID: gid, Status: s}
	}
	f := func(evs []GatewayEvent, want Result) {
		t.Helper()
		got, err := r.Apply(evs)
		if err != nil || got != want {
			t.Fatalf("apply: %+v %v, want %+v", got, err, want)
		}
	}
	// The webhook outruns the sender: kept until the id is stored.
	f([]GatewayEvent{status("gw-1", store.Delivered)}, Result{Pending: 1})
	if m, err := st.MarkSent(id, "gw-1", store.TypeText, ""); err != nil || m.Status != store.Delivered {
		t.Fatalf("mark sent after an early delivered: %v %v", m.Status, err)
	}
	f([]GatewayEvent{status("gw-1", store.Sent), status("gw-1", store.Delivered)}, Result{Duplicates: 2})
	f([]GatewayEvent{status("gw-1", store.Read), status("gw-1", store.Read)}, Result{Applied: 1, Duplicates: 1})
	f([]GatewayEvent{{Kind: EventOther, Name: "presence.update"}}, Result{Ignored: 1})
	f([]GatewayEvent{{Kind: EventStatus, GatewayID: "", Status: store.Read}}, Result{Ignored: 1})
	inbound := GatewayEvent{Kind: EventInbound, Source: "evolution", GatewayID: "in-1", From: "+34600111222", ReplyTo: "gw-1"}
	f([]GatewayEvent{inbound, inbound}, Result{Applied: 1, Duplicates: 1})
	if m := message(t, st, id); m.Status != store.Read || m.ReadAt == nil {
		t.Fatalf("message = %s", m.Status)
	}
}

func TestReceiverConnection(t *testing.T) {
	c := timetest.NewClock()
	st := openStore(t, c.Now)
	cfg := fastConfig()
	cfg.Now = c.Now
	s := New(st, &fakeGateway{}, cfg)
	r := &Receiver{Store: st, Now: c.Now, Logger: quiet(), Sender: func(string) *Sender { return s }}
	conn := func(connected, terminal bool, code int) {
		t.Helper()
		if _, err := r.Apply([]GatewayEvent{{Kind: EventConnection, Source: "evolution", Connected: connected, Terminal: terminal, Code: code}}); err != nil {
			t.Fatal(err)
		}
	}
	conn(false, false, 428)
	if in := s.Status(); in.State != StatePaused || !strings.Contains(in.PausedReason, "428") {
		t.Fatalf("after a lost connection: %+v", in)
	}
	c.Add(HoldMax)
	if in := s.Status(); in.State != StateActive {
		t.Fatalf("a hold must end by itself after %s: %+v", HoldMax, in)
	}
	conn(false, true, 401)
	conn(false, false, 428) // a hold does not shorten a pause
	c.Add(HoldMax)
	if in := s.Status(); in.State != StatePaused || !strings.Contains(in.PausedReason, "401") {
		t.Fatalf("after a logout: %+v", in)
	}
	// The pause survives a restart; an "open" event resumes it.
	s = New(st, &fakeGateway{}, cfg)
	stop := start(t, s)
	timetest.WaitFor(t, "the stored pause restored", func() bool { return s.Status().State == StatePaused })
	conn(true, false, 200)
	if in := s.Status(); in.State != StateActive {
		t.Fatalf("after open: %+v", in)
	}
	stop()
	if is, _ := st.Instance(cfg.Instance); is.PausedReason != "" {
		t.Fatalf("resume must clear the stored pause: %+v", is)
	}
}

// A gateway's RetryAfter stretches the backoff.
func TestRetryAfter(t *testing.T) {
	st := openStore(t, time.Now)
	gw := &fakeGateway{fn: func(context.Context, *store.Message, int) (string, error) {
		return "", &SendError{Kind: Retryable, Reason: "pair rate limit", RetryAfter: time.Minute}
	}}
	id := enqueue(t, st, store.Normal, "hi")
	start(t, New(st, gw, fastConfig()))
	var m *store.Message
	timetest.WaitFor(t, "retrying", func() bool { m = message(t, st, id); return m.Status == store.Retrying })
	if got := m.NextAttemptAt.Sub(m.UpdatedAt); got != time.Minute {
		t.Fatalf("backoff %s, want the gateway's 1m", got)
	}
}

func TestReceiverOnInbound(t *testing.T) {
	st := openStore(t, time.Now)
	var got []store.Inbound
	r := &Receiver{Store: st, Logger: quiet(), OnInbound: func(in store.Inbound) { got = append(got, in) }}
	ev := GatewayEvent{Kind: EventInbound, Source: "cloudapi", GatewayID: "wamid.IN", From: "+34600111222"}
	if _, err := r.Apply([]GatewayEvent{ev, ev}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].GatewayID != "wamid.IN" || got[0].ReceivedAt.IsZero() {
		t.Fatalf("OnInbound saw %+v; want the one stored message", got)
	}
}

func TestIsOptout(t *testing.T) {
	f := func(text string, want bool) {
		t.Helper()
		if got := IsOptout(text); got != want {
			t.Fatalf("IsOptout(%q) = %v, want %v", text, got, want)
		}
	}
	f("STOP", true)
	f("  Baja. ", true)
	f("No más mensajes!", true)
	f("darme de BAJA", true)
	f("no pares", false)
	f("stop by tomorrow", false)
	f("", false)
}

// A contact who writes STOP is put on the list for marketing; the next
// campaign message to them is cancelled, not sent, and a transactional one
// still goes.
func TestOptoutKeywordSuppressesCampaigns(t *testing.T) {
	st := openStore(t, time.Now)
	r := &Receiver{Store: st, Logger: quiet()}
	if _, err := r.Apply([]GatewayEvent{{Kind: EventInbound, Source: "evolution", GatewayID: "in-1", From: "+34600111222", Text: "Stop"}}); err != nil {
		t.Fatal(err)
	}
	if o, err := st.Optout("+34600111222"); err != nil || o.Scope != store.ScopeMarketing || o.Source != store.OptoutKeyword {
		t.Fatalf("optout = %+v, %v", o, err)
	}
	campaign, _, _ := st.Enqueue(&store.Message{To: "+34600111222", Text: "oferta", Campaign: "otoño"})
	confirm := enqueue(t, st, store.Normal, "su cita es mañana")
	gw := &fakeGateway{}
	start(t, New(st, gw, fastConfig()))
	timetest.WaitFor(t, "the confirmation sent", func() bool { return message(t, st, confirm).Status == store.Sent })
	timetest.WaitFor(t, "the campaign message cancelled", func() bool { return message(t, st, campaign.ID).Status == store.Cancelled })
	if n := len(gw.calls()); n != 1 {
		t.Fatalf("%d gateway calls, want only the confirmation", n)
	}
	if m := message(t, st, campaign.ID); m.Attempts != 0 || !strings.Contains(m.History[len(m.History)-1].Note, "opted out") {
		t.Fatalf("cancelled campaign message = %+v", m)
	}
}
