package fleet_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
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
