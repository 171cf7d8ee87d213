package stats

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// simReplyRate is the stand-in gateway's truth: the share of contacts who
// answer each variant.
var simReplyRate = map[string]float64{"A": 0.08, "B": 0.20}

// simRig is a campaign sent through the store's intake, queue and feed to
// a tracker; a stand-in gateway has the contacts read and reply by variant
// with a seeded random, through the Receiver that applies the gateways'
// webhooks; a Reader on the same bbolt file reads the figures.
type simRig struct {
	*trRig
	r      *Reader
	in     store.Intake
	rcv    *sender.Receiver
	rng    *rand.Rand
	sent   int
	phones map[string]string // contact → variant, to check it never changes
}

func newSimRig(t *testing.T, allocation string) *simRig {
	t.Helper()
	tr := newTrRig(t)
	r, err := NewReader(tr.st, time.UTC, tr.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	err = r.SetCampaign(Campaign{Name: "spring", Currency: "EUR", Allocation: allocation, Variants: []store.Variant{
		{Name: "A", Weight: 50, Text: "Hola {{name}}, mira nuestra oferta"},
		{Name: "B", Weight: 50, Text: "{{name}}, ¿te guardo una plaza?"}}})
	if err != nil {
		t.Fatal(err)
	}
	rcv := &sender.Receiver{Store: tr.st, OnInbound: tr.tr.Inbound, Now: tr.clock.Now}
	return &simRig{trRig: tr, r: r, in: store.Intake{Variants: r.Variants, Now: tr.clock.Now}, rcv: rcv,
		rng: rand.New(rand.NewPCG(14, 1)), phones: map[string]string{}}
}

// sendOne posts a message of the campaign to the next contact, sends it,
// and has the contact reply a minute later with its variant's chance.
func (s *simRig) sendOne(t *testing.T) {
	t.Helper()
	to := fmt.Sprintf("+3460%07d", s.sent)
	s.sent++
	m, err := s.in.Message(&store.Draft{To: to, Campaign: "spring", Vars: map[string]string{"name": "Ana"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Variant == "" || m.Text == "" || s.phones[to] != "" && s.phones[to] != m.Variant {
		t.Fatalf("message %+v", m)
	}
	s.phones[to] = m.Variant
	if _, _, err := s.st.Enqueue(m); err != nil {
		t.Fatal(err)
	}
	got := s.lease(t)
	gid := "wamid." + to
	s.markSent(t, got.ID, gid)
	s.clock.Add(time.Minute)
	evs := []sender.GatewayEvent{{Kind: sender.EventStatus, GatewayID: gid, Status: store.Delivered},
		{Kind: sender.EventStatus, GatewayID: gid, Status: store.Read}}
	if s.rng.Float64() < simReplyRate[got.Variant] {
		evs = append(evs, sender.GatewayEvent{Kind: sender.EventInbound, GatewayID: "in." + to, From: to,
			Type: "text", Text: "¡Sí, me interesa!", ReplyTo: gid})
	}
	for i := range evs {
		evs[i].Source, evs[i].Instance = "demo", "sales-1"
	}
	if _, err := s.rcv.Apply(evs); err != nil {
		t.Fatal(err)
	}
}

// stats flushes the tracker and reads the campaign's figures so far.
func (s *simRig) stats(t *testing.T) CampaignStats {
	t.Helper()
	if err := s.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	s.r.Forget()
	cs, err := s.r.CampaignStats("spring", "", trStart.Add(-time.Hour), s.clock.Now().Add(time.Hour))
	if err != nil || cs.Experiment == nil || len(cs.Variants) != 2 {
		t.Fatalf("stats: %+v, %v", cs, err)
	}
	return cs
}

// B's replies are 2.5 times A's: waq names B the winner once the sample
// allows, and not before: no winner while a variant has fewer sends than
// the sample size of the rates seen, or while the interval holds 0.
func TestSimulatedCampaignWinner(t *testing.T) {
	s := newSimRig(t, AllocationFixed)
	named := 0
	for s.sent < 1000 && named == 0 {
		for range 20 {
			s.sendOne(t)
		}
		cs := s.stats(t)
		a, b := cs.Variants[0], cs.Variants[1]
		n := sampleSize(max(a.ReplyRate, b.ReplyRate), min(a.ReplyRate, b.ReplyRate))
		switch {
		case a.Read != a.Sent || b.Delivered != b.Sent || a.Sent+b.Sent != uint64(s.sent):
			t.Fatalf("after %d sends the receiver's reports are not all counted: %+v", s.sent, cs.Variants)
		case cs.Winner == nil && a.Sent >= n && b.Sent >= n && b.VsBest["reply_rate"].Low > 0:
			t.Fatalf("after %d sends no winner, though %+v", s.sent, cs.Variants)
		case cs.Winner == nil:
			if want := sat(n, a.Sent) + sat(n, b.Sent); cs.Needed != want {
				t.Fatalf("after %d sends needed %d, want %d", s.sent, cs.Needed, want)
			}
		case *cs.Winner != "B" || a.Sent < n || b.Sent < n || a.Sent < MinSample || cs.Needed != 0:
			t.Fatalf("after %d sends winner %s with %+v (sample %d)", s.sent, *cs.Winner, cs.Variants, n)
		default:
			named = s.sent
		}
	}
	if named == 0 {
		t.Fatalf("no winner after %d sends", s.sent)
	}
	t.Logf("B named the winner after %d sends", named)
}

func sat(n, sent uint64) uint64 {
	if sent >= n {
		return 0
	}
	return n - sent
}

// Adaptive allocation moves weight to B, never below the floor for A, and
// records each change; new contacts then get B more often.
func TestSimulatedCampaignAdaptive(t *testing.T) {
	s := newSimRig(t, AllocationAdaptive)
	rng := rand.New(rand.NewPCG(7, 7))
	for range 10 {
		for range 40 {
			s.sendOne(t)
		}
		s.stats(t)
		if err := s.r.Rebalance(rng); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.r.Campaign("spring")
	if err != nil {
		t.Fatal(err)
	}
	a, b := c.Variants[0].Weight, c.Variants[1].Weight
	if b < 80 || a < 100*AdaptiveFloor || len(c.WeightChanges) < 2 || c.WeightChanges[0].Reason != "set" ||
		c.WeightChanges[len(c.WeightChanges)-1].Reason != AllocationAdaptive {
		t.Fatalf("weights A %.1f B %.1f, changes %+v", a, b, c.WeightChanges)
	}
	before := s.stats(t)
	for range 200 {
		s.sendOne(t)
	}
	after := s.stats(t)
	gotA, gotB := after.Variants[0].Sent-before.Variants[0].Sent, after.Variants[1].Sent-before.Variants[1].Sent
	if gotB < 3*gotA {
		t.Fatalf("of 200 new contacts A got %d, B %d; want B's weight %.1f %%", gotA, gotB, b)
	}
}
