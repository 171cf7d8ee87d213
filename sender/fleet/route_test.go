package fleet_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/store"
)

func (b *bundle) putRate(t *testing.T, name, key, rate string) {
	t.Helper()
	body := fleet.Body{Gateway: "evolution", Rate: rate, Evolution: &store.EvolutionSettings{URL: b.evo[name].URL, APIKey: key}}
	if _, err := b.f.Put(context.Background(), name, body); err != nil {
		t.Fatal(err)
	}
}

func (b *bundle) enqueueTo(t *testing.T, to, instance string) string {
	t.Helper()
	m, _, err := b.st.Enqueue(&store.Message{To: to, Text: "hola", Instance: instance})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// TestRouting: an unpinned message goes to the instance that last sent to
// its contact, even with less room, across a restart; a new contact goes
// to the instance with the most room; the reason is in the history.
func TestRouting(t *testing.T) {
	b := setup(t)
	b.putRate(t, "sales-1", "key-1", "100/1h")
	b.putRate(t, "sales-2", "key-2", "5/1h")
	b.run(t)
	ana := "+34600111222"
	b.waitSent(t, []string{b.enqueueTo(t, ana, "sales-2")}) // Ana now talks to sales-2
	f := func(to, wantInstance, wantWhy string) {
		t.Helper()
		id := b.enqueueTo(t, to, "")
		b.waitSent(t, []string{id})
		m := b.message(t, id)
		if m.Instance != wantInstance || !strings.Contains(leaseNote(m), wantWhy) {
			t.Fatalf("message to %s: sent by %s, note %q; want %s, %q", to, m.Instance, leaseNote(m), wantInstance, wantWhy)
		}
	}
	f(ana, "sales-2", "routed to sales-2: it last sent to this contact")
	f("+34600333444", "sales-1", "routed to sales-1: most room (100 sends free")
	f("+34600333444", "sales-1", "it last sent to this contact")
	b.stop()
	b.run(t) // stickiness is read back from the stored messages
	f(ana, "sales-2", "it last sent to this contact")
}

// TestFailover: sales-1 is logged out (a refused key pauses it); its sticky
// contact's unpinned message waits through the grace, then goes out
// through sales-2 with the move in its history; its pinned message waits.
func TestFailover(t *testing.T) {
	b := setup(t)
	clock := timetest.NewClock()
	b.r.Base.Now, b.r.FailoverGrace = clock.Now, 10*time.Minute
	b.putRate(t, "sales-1", "key-1", "100/1h")
	b.putRate(t, "sales-2", "key-2", "100/1h")
	b.run(t)
	ana := "+34600111222"
	b.waitSent(t, []string{b.enqueueTo(t, ana, "sales-1")}) // Ana talks to sales-1
	b.evo["sales-1"].Script(evolutiontest.Unauthorized())   // then its key is revoked
	pinned := b.enqueueTo(t, ana, "sales-1")
	timetest.WaitFor(t, "sales-1 to pause", func() bool {
		in, _ := b.r.Status("sales-1")
		return in.State == sender.StatePaused
	})
	free := b.enqueueTo(t, ana, "")
	clock.Add(9 * time.Minute)
	if m := b.message(t, free); m.Status != store.Queued {
		t.Fatalf("within the grace Ana's message is %s", m.Status)
	}
	clock.Add(2 * time.Minute)
	b.waitSent(t, []string{free})
	m := b.message(t, free)
	if m.Instance != "sales-2" || !strings.Contains(leaseNote(m), "failover from sales-1, paused since") {
		t.Fatalf("after the grace: sent by %s, note %q", m.Instance, leaseNote(m))
	}
	if st := b.message(t, pinned).Status; st != store.Queued {
		t.Fatalf("the pinned message is %s; it waits for sales-1", st)
	}
}

// TestCampaignInstances: a campaign that names its instances sends only
// through them, even when another has more room; one that names no
// existing instance is not held back.
func TestCampaignInstances(t *testing.T) {
	b := setup(t)
	b.r.Campaigns = func() (map[string][]string, error) {
		return map[string][]string{"spring": {"sales-2"}, "typo": {"sales-9"}}, nil
	}
	b.putRate(t, "sales-1", "key-1", "100/1h")
	b.putRate(t, "sales-2", "key-2", "5/1h")
	b.run(t)
	f := func(to, campaign, wantInstance, wantWhy string) {
		t.Helper()
		m, _, err := b.st.Enqueue(&store.Message{To: to, Text: "hola", Campaign: campaign})
		if err != nil {
			t.Fatal(err)
		}
		b.waitSent(t, []string{m.ID})
		if m = b.message(t, m.ID); m.Instance != wantInstance || !strings.Contains(leaseNote(m), wantWhy) {
			t.Fatalf("%s/%s: sent by %s, note %q; want %s, %q", to, campaign, m.Instance, leaseNote(m), wantInstance, wantWhy)
		}
	}
	f("+34600111222", "spring", "sales-2", "routed to sales-2: most room among the campaign's instances")
	f("+34600333444", "typo", "sales-1", "routed to sales-1: most room (")
	f("+34600333444", "spring", "sales-2", "among the campaign's instances") // not sticky to sales-1: the campaign forbids it
}

// inbound applies a message from contact to instance, written at at, as a
// webhook does, with the runner learning from it as cmd/waq wires it.
func (b *bundle) inbound(t *testing.T, contact, instance string, at time.Time) {
	t.Helper()
	rcv := &sender.Receiver{Store: b.st, OnInbound: b.r.Inbound, Logger: b.r.Logger}
	ev := sender.GatewayEvent{Kind: sender.EventInbound, Source: "evolution", GatewayID: "in-" + contact + at.String(),
		Instance: instance, From: contact, Type: "text", Text: "hola", At: at}
	if res, err := rcv.Apply([]sender.GatewayEvent{ev}); err != nil || res.Applied != 1 {
		t.Fatalf("inbound from %s: %+v %v", contact, res, err)
	}
}

// TestInboundSticky: a contact who wrote to an instance sticks to it, the
// newer of the last send and the last inbound message winning; an inbound
// message without an instance is the default instance's; both survive a
// restart.
func TestInboundSticky(t *testing.T) {
	b := setup(t)
	b.putRate(t, "sales-1", "key-1", "10/1h") // the default (first by name), with less room
	b.putRate(t, "sales-2", "key-2", "100/1h")
	b.run(t)
	ana, bob, carla, dora := "+34600111222", "+34600333444", "+34600555666", "+34600777888"
	b.waitSent(t, []string{b.enqueueTo(t, ana, "sales-2"), b.enqueueTo(t, bob, "sales-1")})
	now := time.Now()
	b.inbound(t, ana, "sales-1", now)                 // newer than sales-2's send
	b.inbound(t, bob, "sales-2", now.Add(-time.Hour)) // older than sales-1's send: a late delivery
	b.inbound(t, carla, "", now)                      // no instance: the default one
	b.inbound(t, dora, "sales-1", now)
	f := func(to, wantInstance, wantWhy string) {
		t.Helper()
		id := b.enqueueTo(t, to, "")
		b.waitSent(t, []string{id})
		if m := b.message(t, id); m.Instance != wantInstance || !strings.Contains(leaseNote(m), wantWhy) {
			t.Fatalf("message to %s: sent by %s, note %q; want %s, %q", to, m.Instance, leaseNote(m), wantInstance, wantWhy)
		}
	}
	f(ana, "sales-1", "routed to sales-1: this contact last wrote to it")
	f(bob, "sales-1", "routed to sales-1: it last sent to this contact")
	f(carla, "sales-1", "this contact last wrote to it")
	b.stop()
	b.run(t) // read back from the stored sends and inbound messages
	f(dora, "sales-1", "this contact last wrote to it")
	f(bob, "sales-1", "it last sent to this contact")
	f("+34600999000", "sales-2", "most room")
}
