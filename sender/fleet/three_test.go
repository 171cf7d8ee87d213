package fleet_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// TestThreeInstances is issue 12's part 7: three instances on local
// stand-ins (two Evolution, one Cloud API), 3 000 messages with pins, a
// campaign limited to two instances, contacts sticky by an earlier send or
// by a message they wrote, and free ones. From the stand-ins' own records:
// no window of any instance holds more sends than its rate; pinned
// messages go only to their instance; sticky contacts stay on their
// number. Then the Cloud API number's token is revoked (401): it alone
// pauses, the others keep sending, its sticky contacts move after the
// grace with the move in their history, and its pinned messages wait.
// Then a restart on the same file keeps the instances, the stickiness and
// the rate windows.
func TestThreeInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 3 000 messages at real rates; about 30 s")
	}
	g := newFleetRig(t)
	p := &plan{msgs: map[string]*planned{}, ids: map[string]string{}}
	sticky := g.makeSticky(t, p)
	t.Logf("%s: sticky contacts made", time.Since(g.began))
	g.enqueue(t, p, batch(p, sticky))
	timetest.WaitWithin(t, time.Minute, "the cloud stand-in to get 250 sends", func() bool { return len(g.calls("cloud")) >= 250 })
	g.cloud.SetToken("revoked")
	killed := time.Now()
	var after []*store.Message
	for c, in := range sticky {
		if in == "cloud" {
			after = append(after, p.add(c, "", "", "cloud"))
		}
	}
	for k := range 20 {
		after = append(after, p.add(contact(40, k), "cloud", "", ""), p.add(contact(41, k), "", "", ""))
	}
	g.enqueue(t, p, after)
	t.Logf("%s: cloud revoked", time.Since(g.began))
	g.waitDone(t, p, "cloud")
	t.Logf("%s: all sent; the most requests in one window: %v", time.Since(g.began), g.overRate(t))
	g.checkCalls(t, p, killed)
	g.checkFailover(t, p, sticky)
	g.checkLive(t)
	g.checkRestart(t, p, sticky)
	g.checkLive(t)
}

// makeSticky sends to some contacts and has others write in, and returns
// the instance each of them is sticky to: by an earlier send (15 a
// number), by a message written after a send through another number (15,
// evo-2), by a message written to the Cloud API number named by its phone
// number id (15), and by a send newer than the message the contact wrote
// (10, evo-2). Contacts of kind 8 wrote to evo-1 and get nothing until the
// restart.
func (g *fleetRig) makeSticky(t *testing.T, p *plan) map[string]string {
	t.Helper()
	sticky := map[string]string{}
	var ms []*store.Message
	for k := range 15 {
		for i, in := range three {
			ms = append(ms, p.add(contact(1+i, k), in.name, "", ""))
			sticky[contact(1+i, k)] = in.name
		}
		ms = append(ms, p.add(contact(5, k), "evo-1", "", ""))
		sticky[contact(5, k)], sticky[contact(7, k)] = "evo-2", "cloud"
	}
	for k := range 10 {
		ms = append(ms, p.add(contact(6, k), "evo-2", "", ""))
		sticky[contact(6, k)] = "evo-2"
	}
	g.enqueue(t, p, ms)
	g.waitDone(t, p, "")
	now := time.Now()
	g.inbound(t, contacts(5, 15), "evo-2", now)
	g.inbound(t, contacts(7, 15), cloudPhoneID, now)
	g.inbound(t, contacts(6, 10), "cloud", now.Add(-time.Hour)) // a late delivery, older than evo-2's send
	g.inbound(t, contacts(8, 10), "evo-1", now)
	return sticky
}

func contacts(kind, n int) []string {
	out := make([]string, n)
	for k := range n {
		out[k] = contact(kind, k)
	}
	return out
}

// batch is the 3 000 messages: 300 pinned to each instance, 450 of the
// campaign that may use evo-2 and cloud alone, 6 to each sticky contact,
// and the rest to new contacts, in a shuffled order with every priority.
func batch(p *plan, sticky map[string]string) []*store.Message {
	var ms []*store.Message
	for i, in := range three {
		for k := range 300 {
			ms = append(ms, p.add(contact(10+i, k%50), in.name, "", ""))
		}
	}
	for k := range 450 {
		ms = append(ms, p.add(contact(20, k%150), "", "spring", ""))
	}
	for c, in := range sticky {
		for range 6 {
			ms = append(ms, p.add(c, "", "", in))
		}
	}
	for k := 0; len(ms) < 3000; k++ {
		ms = append(ms, p.add(contact(30, k), "", "", ""))
	}
	rand.New(rand.NewPCG(12, 7)).Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	return ms
}

// checkCalls reads every stand-in's requests: pinned messages only at
// their instance, the campaign's only at its two, sticky contacts' only at
// their number, but for the Cloud API number's after the grace that
// followed the revocation; a few tries hit the revoked token before the
// pause, and the others went on sending.
func (g *fleetRig) checkCalls(t *testing.T, p *plan, killed time.Time) {
	t.Helper()
	refused := 0
	for _, in := range three {
		late := 0
		for _, c := range g.calls(in.name) {
			m := p.msgs[c.text]
			switch {
			case m == nil:
				t.Fatalf("%s got a message the test did not send: %q", in.name, c.text)
			case m.pin != "" && m.pin != in.name:
				t.Fatalf("%s got %s, pinned to %s", in.name, c.text, m.pin)
			case m.campaign != "" && in.name == "evo-1":
				t.Fatalf("evo-1 got %s of a campaign limited to evo-2 and cloud", c.text)
			case m.pin == "" && m.campaign == "" && m.sticky != "" && m.sticky != in.name &&
				(m.sticky != "cloud" || c.at.Before(killed.Add(grace))):
				t.Fatalf("%s got %s at %s, for a contact sticky to %s (revoked at %s)", in.name, c.text,
					c.at.Format(time.StampMilli), m.sticky, killed.Format(time.StampMilli))
			}
			if c.at.After(killed) {
				late++
			}
		}
		if in.name == "cloud" {
			refused = late
		} else if late == 0 {
			t.Fatalf("%s sent nothing after cloud's token was revoked", in.name)
		}
	}
	if refused < 1 || refused > 12 {
		t.Fatalf("cloud got %d requests after its token was revoked; want the few in flight before it paused", refused)
	}
	for _, in := range g.r.Statuses() {
		if want := map[bool]string{true: sender.StatePaused, false: sender.StateActive}[in.Name == "cloud"]; in.State != want {
			t.Fatalf("%s is %s, want %s", in.Name, in.State, want)
		}
	}
}

// checkFailover reads the store: the messages pinned to cloud that it did
// not send wait; every message sent was sent where its stand-in says; each
// contact sticky to cloud moved to another number with the move in its
// history.
func (g *fleetRig) checkFailover(t *testing.T, p *plan, sticky map[string]string) {
	t.Helper()
	moved := map[string]bool{}
	for text, pm := range p.msgs {
		m := g.message(t, p.ids[text])
		switch {
		case pm.pin == "cloud" && m.Status == store.Queued:
		case m.Status != store.Sent:
			t.Fatalf("%s (%+v) is %s", text, pm, m.Status)
		case pm.pin != "" && m.Instance != pm.pin:
			t.Fatalf("%s pinned to %s was sent by %s", text, pm.pin, m.Instance)
		case sticky[pm.to] == "cloud" && pm.pin == "" && m.Instance != "cloud":
			if strings.Contains(leaseNote(m), "failover from cloud, paused since") {
				moved[pm.to] = true
			}
		}
	}
	for c, in := range sticky {
		if in == "cloud" && !moved[c] {
			t.Fatalf("contact %s, sticky to cloud, has no message with the failover in its history", c)
		}
	}
}

// checkLive compares what /v1/queue shows of each instance with the
// stand-ins and the store: the sends of the day are those the stand-in
// accepted; cloud is paused since its token was revoked, with its pinned
// messages that wait.
func (g *fleetRig) checkLive(t *testing.T) {
	t.Helper()
	ls, err := g.r.Live()
	if err != nil {
		t.Fatal(err)
	}
	accepted := map[string]int{"cloud": g.cloud.Sends(), "evo-1": g.evo["evo-1"].Sends(), "evo-2": g.evo["evo-2"].Sends()}
	c, err := g.st.Counts()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.SentLastDay != accepted[l.Name] {
			t.Fatalf("%s counts %d sends in the last day; its stand-in accepted %d", l.Name, l.SentLastDay, accepted[l.Name])
		}
		if l.Name == "cloud" && (l.State != sender.StatePaused || l.Waiting != c.States[store.Queued] || l.Pinned != l.Waiting) {
			t.Fatalf("cloud: %+v; %d queued", l, c.States[store.Queued])
		}
	}
}

// checkRestart fills evo-2's rate window, restarts on the same file, and
// checks that the instances, the stickiness (by sends and by messages
// written) and the windows survived.
func (g *fleetRig) checkRestart(t *testing.T, p *plan, sticky map[string]string) {
	t.Helper()
	want := map[string]string{} // contact -> where its next message goes after the restart
	for c, in := range sticky {
		want[c] = in
	}
	last := map[string]time.Time{}
	for text, pm := range p.msgs { // cloud's contacts stick to the number that took them over
		if m := g.message(t, p.ids[text]); sticky[pm.to] == "cloud" && m.SentAt != nil && m.SentAt.After(last[pm.to]) {
			want[pm.to], last[pm.to] = m.Instance, *m.SentAt
		}
	}
	var fill []*store.Message
	for k := range 150 {
		fill = append(fill, p.add(contact(42, k%30), "evo-2", "", ""))
	}
	g.enqueue(t, p, fill)
	g.waitDone(t, p, "cloud")
	stopped := time.Now()
	g.close()
	g.open(t)
	g.start(t)
	took := time.Since(stopped)
	t.Logf("restart took %s", took)
	g.checkInstances(t, took)
	t.Logf("%s: restarted", time.Since(g.began))
	defer func() { t.Logf("%s: done", time.Since(g.began)) }()
	var ms []*store.Message
	for k := range 150 {
		ms = append(ms, p.add(contact(43, k%30), "evo-2", "", ""))
	}
	for c, in := range want {
		if in != "cloud" {
			ms = append(ms, p.add(c, "", "", in))
		}
	}
	for _, c := range contacts(8, 10) {
		ms = append(ms, p.add(c, "", "", "evo-1"))
		want[c] = "evo-1"
	}
	g.enqueue(t, p, ms)
	g.waitDone(t, p, "cloud")
	g.overRate(t)
	for _, m := range ms {
		got := g.message(t, p.ids[m.Text])
		why := "it last sent to this contact"
		if strings.HasPrefix(m.To, "+34608") {
			why = "this contact last wrote to it"
		}
		if m.Instance == "" && (got.Instance != want[m.To] || !strings.Contains(leaseNote(got), why)) {
			t.Fatalf("after the restart %s went to %s (%q); want %s, %q", m.To, got.Instance, leaseNote(got), want[m.To], why)
		}
	}
}

// checkInstances: the three instances are read back with their rates,
// cloud still paused, and evo-2's window counts the sends before the
// restart when the restart was shorter than the window.
func (g *fleetRig) checkInstances(t *testing.T, took time.Duration) {
	t.Helper()
	vs, err := g.f.List()
	if err != nil || len(vs) != 3 {
		t.Fatalf("after the restart: %d instances, %v", len(vs), err)
	}
	for i, v := range vs {
		if v.Name != three[i].name || v.Rate != three[i].rate.String() || v.Gateway != three[i].gateway {
			t.Fatalf("after the restart instance %d is %s %s %s", i, v.Name, v.Gateway, v.Rate)
		}
	}
	timetest.WaitFor(t, "cloud to read back its pause", func() bool {
		in, _ := g.r.Status("cloud")
		return in.State == sender.StatePaused
	})
	if vs, err = g.f.List(); err != nil || vs[0].State != sender.StatePaused || vs[0].Queued == 0 {
		t.Fatalf("after the restart cloud is %s with %d queued; want paused with its pinned messages", vs[0].State, vs[0].Queued)
	}
	stopped := time.Now().Add(-took)
	timetest.WaitFor(t, "evo-2's window to count the sends before the restart", func() bool {
		in, _ := g.r.Status("evo-2")
		return in.SentLastWindow > 0 || time.Since(stopped) > three[2].rate.Window
	})
}
