package fleet_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/store"
)

// The three instances of the fleet test: two Evolution numbers and one
// Cloud API number, each on its own local stand-in, with rates that a
// backlog of 3 000 messages holds at their limit. evo-2's long window is
// the one a restart must not refill.
var three = []struct {
	name, gateway string
	rate          sender.Rate
}{
	{"cloud", "cloudapi", sender.Rate{Count: 80, Window: 500 * time.Millisecond}},
	{"evo-1", "evolution", sender.Rate{Count: 100, Window: 500 * time.Millisecond}},
	{"evo-2", "evolution", sender.Rate{Count: 150, Window: 1500 * time.Millisecond}},
}

const (
	cloudPhoneID = "1234567890"
	cloudToken   = "token-cloud"
	grace        = 1500 * time.Millisecond
)

// fleetRig is a store file, the three stand-ins and a runner on them that
// can be stopped and started again on the same file.
type fleetRig struct {
	path  string
	began time.Time
	evo   map[string]*evolutiontest.Server
	cloud *cloudapitest.Server
	log   *slog.Logger

	st     *store.Store
	f      *fleet.Fleet
	r      *fleet.Runner
	cancel context.CancelFunc
	done   chan struct{}
}

func newFleetRig(t *testing.T) *fleetRig {
	t.Helper()
	g := &fleetRig{path: filepath.Join(t.TempDir(), store.FileName), evo: map[string]*evolutiontest.Server{},
		began: time.Now(), cloud: cloudapitest.New(cloudToken, cloudPhoneID), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	t.Cleanup(g.cloud.Close)
	for _, name := range []string{"evo-1", "evo-2"} {
		g.evo[name] = evolutiontest.New("key-"+name, name)
		t.Cleanup(g.evo[name].Close)
	}
	g.open(t)
	t.Cleanup(g.close)
	for _, in := range three {
		b := fleet.Body{Gateway: in.gateway, Rate: in.rate.String(), Concurrency: 4}
		if in.gateway == "cloudapi" {
			b.CloudAPI = &store.CloudAPISettings{APIURL: g.cloud.URL, Token: cloudToken, PhoneNumberID: cloudPhoneID}
		} else {
			b.Evolution = &store.EvolutionSettings{URL: g.evo[in.name].URL, APIKey: "key-" + in.name}
		}
		if _, err := g.f.Put(context.Background(), in.name, b); err != nil {
			t.Fatal(err)
		}
	}
	g.start(t)
	return g
}

// open opens the store file and builds a fleet and a runner on it, as a
// start of waq does.
func (g *fleetRig) open(t *testing.T) {
	t.Helper()
	st, err := store.Open(g.path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g.st, g.f = st, &fleet.Fleet{Store: st}
	g.r = &fleet.Runner{Fleet: g.f, Logger: g.log, FailoverGrace: grace,
		Base: sender.Config{RetryBase: 10 * time.Millisecond, Logger: g.log},
		Campaigns: func() (map[string][]string, error) {
			return map[string][]string{"spring": {"evo-2", "cloud"}}, nil
		},
		Gateway: func(in store.InstanceSettings) sender.Gateway {
			if c := in.CloudAPI; c != nil {
				return cloudapi.New(cloudapi.Config{URL: c.APIURL, Token: c.Token, PhoneNumberID: c.PhoneNumberID})
			}
			e := in.Evolution
			return evolution.New(evolution.Config{URL: e.URL, APIKey: e.APIKey, Instance: e.Instance})
		}}
	g.f.Status, g.f.Changed = g.r.Status, func(string) { g.r.Reconcile() }
}

func (g *fleetRig) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	g.cancel, g.done = cancel, make(chan struct{})
	go func() { defer close(g.done); g.r.Run(ctx) }()
	timetest.WaitFor(t, "the three loops to start", func() bool { return len(g.r.Statuses()) == 3 })
}

// close stops the runner, waiting for its sends in flight, and closes the
// store.
func (g *fleetRig) close() {
	if g.cancel != nil {
		g.cancel()
		<-g.done
		g.cancel = nil
	}
	if g.st != nil {
		g.st.Close()
		g.st = nil
	}
}

// call is one request a stand-in received: when, and the message's text.
type call struct {
	at   time.Time
	text string
}

// calls returns every send request the named stand-in received, in order.
func (g *fleetRig) calls(name string) []call {
	var out []call
	if name == "cloud" {
		for _, r := range g.cloud.Requests() {
			body, _ := r.Body["text"].(map[string]any)
			text, _ := body["body"].(string)
			out = append(out, call{r.At, text})
		}
		return out
	}
	for _, r := range g.evo[name].Requests() {
		text, _ := r.Body["text"].(string)
		out = append(out, call{r.At, text})
	}
	return out
}

// overRate fails t when some window of an instance's rate holds more
// requests at its stand-in than the rate allows, and returns the most
// each instance's windows held: its rate's count when the backlog kept it
// at its limit.
func (g *fleetRig) overRate(t *testing.T) map[string]int {
	t.Helper()
	most := map[string]int{}
	for _, in := range three {
		cs := g.calls(in.name)
		ts := make([]time.Time, len(cs))
		for i, c := range cs {
			ts[i] = c.at
		}
		slices.SortFunc(ts, time.Time.Compare)
		j := 0
		for i := range ts { // the window that ends at ts[i]: (ts[i]-W, ts[i]]
			for !ts[j].After(ts[i].Add(-in.rate.Window)) {
				j++
			}
			most[in.name] = max(most[in.name], i-j+1)
		}
		if most[in.name] > in.rate.Count {
			t.Fatalf("%s: %d requests within one window of its rate %s", in.name, most[in.name], in.rate)
		}
	}
	return most
}

// plan is what the test expects of each message, by its text.
type plan struct {
	mu   sync.Mutex
	msgs map[string]*planned
	ids  map[string]string // text -> message id
	n    int
}

// planned is one message: its contact, its pin ("" when free), its
// campaign, and the instance the contact is sticky to ("" when none).
type planned struct {
	to, pin, campaign, sticky string
}

func (p *plan) add(to, pin, campaign, sticky string) *store.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	text := fmt.Sprintf("m%05d", p.n)
	p.msgs[text] = &planned{to: to, pin: pin, campaign: campaign, sticky: sticky}
	prio := store.Priorities[p.n%len(store.Priorities)]
	return &store.Message{To: to, Text: text, Instance: pin, Campaign: campaign, Priority: prio}
}

// enqueue stores ms in bulks and notes their ids by text.
func (g *fleetRig) enqueue(t *testing.T, p *plan, ms []*store.Message) {
	t.Helper()
	for len(ms) > 0 {
		n := min(len(ms), store.BulkMax)
		ids, err := g.st.EnqueueBulk(ms[:n])
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			p.ids[ms[i].Text] = id
		}
		ms = ms[n:]
	}
}

func contact(kind, k int) string { return fmt.Sprintf("+346%02d%06d", kind, k) }

// inbound applies messages from contacts to instance, written at at, as
// the webhooks do, with the runner learning from them as cmd/waq wires it.
func (g *fleetRig) inbound(t *testing.T, contacts []string, instance string, at time.Time) {
	t.Helper()
	rcv := &sender.Receiver{Store: g.st, OnInbound: g.r.Inbound, Logger: g.log}
	for _, c := range contacts {
		ev := sender.GatewayEvent{Kind: sender.EventInbound, Source: "evolution", GatewayID: "in-" + c + instance,
			Instance: instance, From: c, Type: "text", Text: "hola", At: at}
		if res, err := rcv.Apply([]sender.GatewayEvent{ev}); err != nil || res.Applied != 1 {
			t.Fatalf("inbound from %s: %+v %v", c, res, err)
		}
	}
}

// waitDone waits until every planned message is sent, but for those
// pinned to a paused instance, which wait.
func (g *fleetRig) waitDone(t *testing.T, p *plan, paused string) {
	t.Helper()
	timetest.WaitWithin(t, 2*time.Minute, "every message to be sent", func() bool {
		c, err := g.st.Counts()
		if err != nil {
			t.Fatal(err)
		}
		waiting := 0
		for text, m := range p.msgs {
			if m.pin == paused && paused != "" && g.status(t, p.ids[text]) == store.Queued {
				waiting++
			}
		}
		return c.States[store.Sent] == len(p.msgs)-waiting && c.States[store.Queued] == waiting
	})
}

func (g *fleetRig) status(t *testing.T, id string) store.Status {
	t.Helper()
	m, err := g.st.Message(id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

func (g *fleetRig) message(t *testing.T, id string) *store.Message {
	t.Helper()
	m, err := g.st.Message(id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

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
