package fleet_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/evolution"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/store"
)

// overlap counts the gateway calls in flight by instance, and notes when
// calls of two instances ran at once.
type overlap struct {
	mu       sync.Mutex
	inflight map[string]int
	together bool
}

type tracked struct {
	sender.Gateway
	name string
	o    *overlap
}

func (g tracked) Send(ctx context.Context, m *store.Message) (string, error) {
	g.o.mu.Lock()
	g.o.inflight[g.name]++
	for name, n := range g.o.inflight {
		if name != g.name && n > 0 {
			g.o.together = true
		}
	}
	g.o.mu.Unlock()
	defer func() {
		g.o.mu.Lock()
		g.o.inflight[g.name]--
		g.o.mu.Unlock()
	}()
	return g.Gateway.Send(ctx, m)
}

// setup is a store on a real bbolt file, two fake Evolution servers
// (sales-1 and sales-2, keys "key-1" and "key-2") and a Runner on them.
type bundle struct {
	st     *store.Store
	evo    map[string]*evolutiontest.Server
	f      *fleet.Fleet
	r      *fleet.Runner
	o      *overlap
	cancel context.CancelFunc
	done   chan struct{}
}

func setup(t *testing.T) *bundle {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b := &bundle{st: st, evo: map[string]*evolutiontest.Server{}, o: &overlap{inflight: map[string]int{}}}
	for i, name := range []string{"sales-1", "sales-2"} {
		s := evolutiontest.New("key-"+string(rune('1'+i)), name)
		t.Cleanup(s.Close)
		b.evo[name] = s
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.f = &fleet.Fleet{Store: st}
	b.r = &fleet.Runner{Fleet: b.f, Logger: quiet,
		Base: sender.Config{RetryBase: 10 * time.Millisecond, Logger: quiet},
		Gateway: func(in store.InstanceSettings) sender.Gateway {
			e := in.Evolution
			return tracked{evolution.New(evolution.Config{URL: e.URL, APIKey: e.APIKey, Instance: e.Instance}), in.Name, b.o}
		}}
	b.f.Status, b.f.Changed = b.r.Status, func(string) { b.r.Reconcile() }
	return b
}

// put stores an Evolution instance on its fake server with key, as PUT
// does (the fleet has no Checker here, so a wrong key is stored).
func (b *bundle) put(t *testing.T, name, key string, enabled bool) {
	t.Helper()
	body := fleet.Body{Gateway: "evolution", Rate: "50/1s", Concurrency: 3, Enabled: &enabled,
		Evolution: &store.EvolutionSettings{URL: b.evo[name].URL, APIKey: key}}
	if _, err := b.f.Put(context.Background(), name, body); err != nil {
		t.Fatal(err)
	}
}

func (b *bundle) run(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel, b.done = cancel, make(chan struct{})
	go func() { defer close(b.done); b.r.Run(ctx) }()
	t.Cleanup(b.stop)
	timetest.WaitFor(t, "the loops to start", func() bool { return len(b.r.Statuses()) > 0 })
}

func (b *bundle) stop() {
	if b.cancel != nil {
		b.cancel()
		<-b.done
		b.cancel = nil
	}
}

func (b *bundle) enqueue(t *testing.T, n int, instance string, p store.Priority) []string {
	t.Helper()
	var ids []string
	for range n {
		m, _, err := b.st.Enqueue(&store.Message{To: "+34600111222", Text: "hola", Instance: instance, Priority: p})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func (b *bundle) message(t *testing.T, id string) *store.Message {
	t.Helper()
	m, err := b.st.Message(id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (b *bundle) waitSent(t *testing.T, ids []string) {
	t.Helper()
	timetest.WaitFor(t, "the messages to be sent", func() bool {
		for _, id := range ids {
			if b.message(t, id).Status != store.Sent {
				return false
			}
		}
		return true
	})
}

// TestTwoInstancesSendConcurrently: each instance sends its pinned
// messages through its own gateway, at the same time as the other; the
// unpinned ones are routed, with the reason in their history.
func TestTwoInstancesSendConcurrently(t *testing.T) {
	b := setup(t)
	b.put(t, "sales-1", "key-1", true)
	b.put(t, "sales-2", "key-2", true)
	for _, s := range b.evo {
		answers := make([]evolutiontest.Answer, 30)
		for i := range answers {
			answers[i] = evolutiontest.Slow(20 * time.Millisecond)
		}
		s.Script(answers...)
	}
	one, two := b.enqueue(t, 15, "sales-1", store.Normal), b.enqueue(t, 15, "sales-2", store.Normal)
	free := b.enqueue(t, 5, "", store.Normal)
	b.run(t)
	b.waitSent(t, append(append(one, two...), free...))
	for name, ids := range map[string][]string{"sales-1": one, "sales-2": two} {
		for _, id := range ids {
			if got := b.message(t, id).Instance; got != name {
				t.Fatalf("message %s sent by %q, want %q", id, got, name)
			}
		}
	}
	for _, id := range free {
		if note := leaseNote(b.message(t, id)); !strings.HasPrefix(note, "routed to sales-") {
			t.Fatalf("unpinned message's lease note %q", note)
		}
	}
	if got := b.evo["sales-1"].Sends() + b.evo["sales-2"].Sends(); got != 35 {
		t.Fatalf("the gateways saw %d sends, want 35", got)
	}
	b.o.mu.Lock()
	defer b.o.mu.Unlock()
	if !b.o.together {
		t.Fatal("the two instances never had calls in flight at once")
	}
}

// leaseNote is the note of m's last lease.
func leaseNote(m *store.Message) string {
	for i := len(m.History) - 1; i >= 0; i-- {
		if m.History[i].Status == store.Sending {
			return m.History[i].Note
		}
	}
	return ""
}

// TestPausedInstanceHoldsNoOneBack: sales-1's key is refused, so its first
// send pauses it; its critical messages wait, and sales-2's normal ones,
// queued after them, go out.
func TestPausedInstanceHoldsNoOneBack(t *testing.T) {
	b := setup(t)
	b.put(t, "sales-1", "wrong-key", true)
	b.put(t, "sales-2", "key-2", true)
	stuck := b.enqueue(t, 10, "sales-1", store.Critical)
	moving := b.enqueue(t, 10, "sales-2", store.Normal)
	b.run(t)
	b.waitSent(t, moving)
	timetest.WaitFor(t, "sales-1 to pause", func() bool {
		in, ok := b.r.Status("sales-1")
		return ok && in.State == sender.StatePaused
	})
	for _, id := range stuck {
		if m := b.message(t, id); m.Status != store.Queued || m.Attempts != 0 && m.Status == store.Dead {
			t.Fatalf("sales-1's message %s: %s", id, m.Status)
		}
	}
	v, err := b.f.Get("sales-1")
	if err != nil || v.State != sender.StatePaused || v.PausedReason == "" || v.Queued != len(stuck) {
		t.Fatalf("sales-1 as GET shows it: %+v %v", v, err)
	}
	if in, _ := b.r.Status("sales-2"); in.State != sender.StateActive {
		t.Fatalf("sales-2: %+v", in)
	}
}

// TestInstancesFollowChanges: adding, disabling and deleting an instance
// starts and stops its loop without a restart.
func TestInstancesFollowChanges(t *testing.T) {
	b := setup(t)
	b.put(t, "sales-1", "key-1", true)
	b.run(t)
	b.put(t, "sales-2", "key-2", true) // added while running
	pinned := b.enqueue(t, 3, "sales-2", store.Normal)
	b.waitSent(t, pinned)
	if b.evo["sales-2"].Sends() != 3 {
		t.Fatalf("sales-2 sent %d", b.evo["sales-2"].Sends())
	}
	b.put(t, "sales-2", "key-2", false)
	if _, ok := b.r.Status("sales-2"); ok {
		t.Fatal("a disabled instance's loop still runs")
	}
	waiting := b.enqueue(t, 2, "sales-2", store.Normal) // pinned to a disabled instance: they wait
	if v, _ := b.f.Get("sales-2"); v.State != fleet.StateDisabled || v.Queued != 2 {
		t.Fatalf("disabled: %+v", v)
	}
	if err := b.f.Delete("sales-2"); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.r.Status("sales-2"); ok {
		t.Fatal("a deleted instance's loop still runs")
	}
	b.waitSent(t, waiting) // a pin to no instance is no pin: sales-1 sends them
	if got := b.message(t, waiting[0]).Instance; got != "sales-1" {
		t.Fatalf("sent by %q", got)
	}
}

// TestRateWindowsPerInstanceAcrossRestart: after a restart each instance's
// rate window counts its own sends, not the other's.
func TestRateWindowsPerInstanceAcrossRestart(t *testing.T) {
	b := setup(t)
	b.put(t, "sales-1", "key-1", true)
	b.put(t, "sales-2", "key-2", true)
	b.run(t)
	b.waitSent(t, b.enqueue(t, 4, "sales-1", store.Normal))
	b.stop()
	b.run(t) // a new runner on the same file reads the sends back
	timetest.WaitFor(t, "sales-1 to count its 4 sends", func() bool {
		in, _ := b.r.Status("sales-1")
		return in.SentLastWindow == 4
	})
	b.waitSent(t, b.enqueue(t, 1, "sales-2", store.Normal)) // sales-2 seeds before its first send
	if two, _ := b.r.Status("sales-2"); two.SentLastWindow != 1 {
		t.Fatalf("after restart sales-2 counts %d sends in its window; want its own 1", two.SentLastWindow)
	}
}
