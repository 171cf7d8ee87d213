package fleet

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// Runner runs one sending loop (a sender.Sender) per enabled instance and
// follows the fleet's changes without a restart.
type Runner struct {
	Fleet *Fleet
	// Gateway builds the gateway of an instance; nil for a gateway it does
	// not know.
	Gateway func(in store.InstanceSettings) sender.Gateway
	// Base holds the settings every loop shares (retry base, lease and
	// stop timeouts, OnCall, OnWait, clock); Instance, Gateway, Rate,
	// Concurrency, Pacing, Takes and Ready are the instance's own.
	Base sender.Config
	// EnvConfig is the environment's instance as WAQ_RATE, WAQ_CONCURRENCY
	// and the pacing variables set it, used while no stored instance
	// overrides it; nil to parse Fleet.Env instead.
	EnvConfig *sender.Config
	Logger    *slog.Logger
	// FailoverGrace is how long an instance paused by its gateway keeps
	// its sticky contacts before their unpinned messages go out through
	// the others; zero moves them at once (WAQ_FAILOVER_GRACE,
	// FailoverGraceDefault).
	FailoverGrace time.Duration
	// Campaigns, when set, returns the instances each campaign may use
	// (PUT /v1/campaigns/{name}'s instances); read every second.
	Campaigns func() (map[string][]string, error)
	// LiveScan bounds the queued messages Live reads; LiveScanMax when 0.
	LiveScan int

	reconcile sync.Mutex // one Reconcile at a time
	mu        sync.Mutex // guards the fields below; never held while a loop stops
	ctx       context.Context
	loops     map[string]*loop
	known     map[string]bool          // every instance's name, enabled or not
	settings  []store.InstanceSettings // every instance, for the names webhooks carry
	deflt     string                   // where unpinned messages wait when no instance is active
	sticky    map[string]stick         // contact -> the instance that last exchanged a message with it
	since     map[string]time.Time     // instance -> when its pause began, while paused
	campaigns map[string][]string      // campaign -> the instances it may use
	started   bool
}

// loop is one instance's running sender.
type loop struct {
	in     store.InstanceSettings
	snd    *sender.Sender
	ready  chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// Run starts the loops and follows the fleet until ctx ends, then stops
// every loop (each waits for its sends in flight, as sender.Run does) and
// returns. Call it once.
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	r.ctx, r.loops, r.started = ctx, map[string]*loop{}, true
	r.mu.Unlock()
	r.seedSticky()
	r.readCampaigns()
	r.Reconcile()
	st := r.Fleet.Store
	tick := time.NewTicker(pausePoll)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			r.watchPauses()
			r.readCampaigns()
		case <-ctx.Done():
			r.mu.Lock()
			loops := r.loops
			r.loops = map[string]*loop{}
			r.mu.Unlock()
			for _, l := range loops {
				l.cancel()
			}
			for _, l := range loops {
				<-l.done
			}
			return nil
		case <-st.Ready():
			r.fanOut()
		}
	}
}

// fanOut passes the store's ready signal to every loop.
func (r *Runner) fanOut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.loops {
		select {
		case l.ready <- struct{}{}:
		default:
		}
	}
}

// Reconcile starts, stops or restarts loops so that one runs for each
// enabled instance with its current settings. A changed instance's loop
// stops (waiting for its sends in flight) before the new one starts, so
// two loops never share an instance's rate.
func (r *Runner) Reconcile() {
	r.reconcile.Lock()
	defer r.reconcile.Unlock()
	ins, err := r.Fleet.Settings()
	if err != nil {
		r.log().Error("instances: cannot read them; the loops stay as they are", "err", err)
		return
	}
	want := map[string]store.InstanceSettings{}
	for _, in := range ins {
		if in.Enabled {
			want[in.Name] = in
		}
	}
	stopping := r.plan(ins, want)
	for _, l := range stopping {
		l.cancel()
		<-l.done // its last lease asks takes, which needs r.mu
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started || r.ctx.Err() != nil {
		return
	}
	for name, in := range want {
		if _, ok := r.loops[name]; !ok {
			r.start(in)
		}
	}
}

// plan records the instances and the default, and takes out of r.loops the
// loops whose instance is gone, disabled or changed; the caller stops them.
func (r *Runner) plan(ins []store.InstanceSettings, want map[string]store.InstanceSettings) []*loop {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.known, r.settings = map[string]bool{}, ins
	for _, in := range ins {
		r.known[in.Name] = true
	}
	r.deflt = Default(ins, r.Fleet.Env)
	var stopping []*loop
	for name, l := range r.loops {
		if w, ok := want[name]; !ok || !same(w, l.in) {
			stopping = append(stopping, l)
			delete(r.loops, name)
		}
	}
	return stopping
}

// same reports whether a loop for a may go on with b's settings.
func same(a, b store.InstanceSettings) bool {
	a.UpdatedAt, b.UpdatedAt = b.UpdatedAt, a.UpdatedAt
	return reflect.DeepEqual(a, b)
}

// start runs a loop for in; r.mu is held.
func (r *Runner) start(in store.InstanceSettings) {
	cfg, err := r.config(in)
	var gw sender.Gateway
	if err == nil && r.Gateway != nil {
		gw = r.Gateway(in)
	}
	if err != nil || gw == nil {
		r.log().Error("instances: cannot start the instance's loop", "instance", in.Name, "err", err)
		return
	}
	ctx, cancel := context.WithCancel(r.ctx)
	l := &loop{in: in, ready: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	name := in.Name
	cfg.Ready, cfg.Takes = l.ready, func(m *store.Message) (bool, string) { return r.takes(name, m) }
	cfg.OnCall = r.onCall(name, cfg.OnCall)
	l.snd = sender.New(r.Fleet.Store, gw, cfg)
	r.loops[name] = l
	go func() {
		defer close(l.done)
		if err := l.snd.Run(ctx); err != nil {
			r.log().Error("instances: the instance's loop ended", "instance", name, "err", err)
		}
		if c, ok := gw.(io.Closer); ok {
			_ = c.Close() // the demo's pending reports write to the store
		}
	}()
}

// config is the sender.Config of in: the environment's own while it is not
// overridden, else parsed from the stored settings.
func (r *Runner) config(in store.InstanceSettings) (sender.Config, error) {
	cfg := r.Base
	var own sender.Config
	if env := r.Fleet.Env; r.EnvConfig != nil && env != nil && same(in, *env) {
		own = *r.EnvConfig
	} else {
		var err error
		if own, err = Config(in, r.Fleet.Loc); err != nil {
			return cfg, err
		}
	}
	cfg.Instance, cfg.Gateway, cfg.Rate, cfg.Concurrency, cfg.Pacing = in.Name, in.Gateway, own.Rate, own.Concurrency, own.Pacing
	return cfg, cfg.Validate()
}

// Sender returns the running sender of the named instance, or of the
// instance whose Evolution instance or Cloud API phone number id is name
// (what webhooks carry), or of the default instance when name is empty;
// nil when none runs.
func (r *Runner) Sender(name string) *sender.Sender {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "" {
		name = r.deflt
	}
	if l, ok := r.loops[name]; ok {
		return l.snd
	}
	for _, l := range r.loops {
		if (l.in.Evolution != nil && l.in.Evolution.Instance == name) || (l.in.CloudAPI != nil && l.in.CloudAPI.PhoneNumberID == name) {
			return l.snd
		}
	}
	return nil
}

// Statuses returns the running loops' states, sorted by name.
func (r *Runner) Statuses() []sender.Instance {
	r.mu.Lock()
	snds := make([]*sender.Sender, 0, len(r.loops))
	for _, l := range r.loops {
		snds = append(snds, l.snd)
	}
	r.mu.Unlock()
	out := make([]sender.Instance, len(snds))
	for i, s := range snds {
		out[i] = s.Status()
	}
	sortInstances(out)
	return out
}

// Status is Fleet.Status: the live state of the named instance's loop.
func (r *Runner) Status(name string) (sender.Instance, bool) {
	r.mu.Lock()
	l, ok := r.loops[name]
	r.mu.Unlock()
	if !ok {
		return sender.Instance{}, false
	}
	return l.snd.Status(), true
}

// Resume clears the gateway pauses of every running loop.
func (r *Runner) Resume() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.loops {
		l.snd.Resume()
	}
}

func (r *Runner) log() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}
