// Package fleet keeps the WhatsApp numbers (instances) waq sends from: the
// one the environment defines and those added through the API, kept in
// the data file. It checks an instance's settings and credentials before
// they are stored and shows them with their secrets masked.
package fleet

import (
	"context"
	"sort"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// Fleet is the set of instances. Set its fields before the first call;
// its methods are safe for concurrent use (the store orders the writes).
type Fleet struct {
	Store *store.Store
	// Env is the instance of the environment variables; nil without one.
	// A stored instance of the same name overrides it.
	Env *store.InstanceSettings
	// Check asks the gateway whether credentials work; nil checks none.
	Check Checker
	// Loc is WAQ_TIMEZONE, the zone of the send windows; UTC when nil.
	Loc *time.Location
	// Status returns the live state of the named instance's sending loop,
	// false when none runs; nil when no loop runs at all.
	Status func(name string) (sender.Instance, bool)
	// Changed, when set, is called after an instance was stored or
	// deleted, with its name, so that its sending loop follows.
	Changed func(name string)
	Now     func() time.Time // time.Now when nil
}

// entry is an instance with where its settings come from.
type entry struct {
	store.InstanceSettings
	source string
}

// Settings returns every instance's settings, unmasked, sorted by name:
// the stored ones, and the environment's unless a stored one overrides it.
func (f *Fleet) Settings() ([]store.InstanceSettings, error) {
	es, err := f.entries()
	out := make([]store.InstanceSettings, len(es))
	for i, e := range es {
		out[i] = e.InstanceSettings
	}
	return out, err
}

func (f *Fleet) entries() ([]entry, error) {
	stored, err := f.Store.InstanceSettingsList()
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(stored)+1)
	for _, in := range stored {
		out = append(out, entry{in, SourceAPI})
	}
	if f.Env != nil && !has(stored, f.Env.Name) {
		out = append(out, entry{*f.Env, SourceEnv})
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	}
	return out, nil
}

func has(ins []store.InstanceSettings, name string) bool {
	for _, in := range ins {
		if in.Name == name {
			return true
		}
	}
	return false
}

// List returns every instance as GET /v1/instances shows it.
func (f *Fleet) List() ([]View, error) {
	es, err := f.entries()
	if err != nil {
		return nil, err
	}
	queued, err := f.queued(es)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(es))
	for _, e := range es {
		out = append(out, view(e.InstanceSettings, e.source, f.live(e.Name), queued[e.Name]))
	}
	return out, nil
}

// Get returns the named instance as GET /v1/instances/{name} shows it, or
// ENOTFOUND.
func (f *Fleet) Get(name string) (View, error) {
	vs, err := f.List()
	if err != nil {
		return View{}, err
	}
	for _, v := range vs {
		if v.Name == name {
			return v, nil
		}
	}
	return View{}, store.Errorf(store.ENOTFOUND, "no instance %q", name)
}

// Put checks b, then the credentials with the gateway, and stores the
// instance, which overrides the environment's of the same name. It
// returns the instance as Get shows it; an EINVALID *store.Error for bad
// input or refused credentials, in which case nothing is stored.
func (f *Fleet) Put(ctx context.Context, name string, b Body) (View, error) {
	old, err := f.current(name)
	if err != nil {
		return View{}, err
	}
	in, err := b.settings(name, old)
	if err != nil {
		return View{}, err
	}
	if _, err := Config(in, f.Loc); err != nil {
		return View{}, err
	}
	if f.Check != nil && in.Enabled {
		if err := f.Check(ctx, in); err != nil {
			return View{}, err
		}
	}
	in.UpdatedAt = f.now()
	if err := f.Store.PutInstanceSettings(in); err != nil {
		return View{}, err
	}
	f.changed(name)
	return f.Get(name)
}

// Delete removes an instance added through the API, with its state (a
// pause, the warm-up start); the environment's, when it was overridden,
// comes back with its state. It returns ENOTFOUND for an unknown
// name and ECONFLICT for the environment's own instance, which is stopped
// with enabled false instead.
func (f *Fleet) Delete(name string) error {
	isEnv := f.Env != nil && f.Env.Name == name
	err := f.Store.DeleteInstanceSettings(name, isEnv)
	if store.ErrorCode(err) == store.ENOTFOUND && isEnv {
		return store.Errorf(store.ECONFLICT, "instance %q comes from the environment variables; PUT it with \"enabled\": false to stop it, or change the variables", name)
	}
	if err != nil {
		return err
	}
	f.changed(name)
	return nil
}

// current returns the named instance's settings, nil when there is none.
func (f *Fleet) current(name string) (*store.InstanceSettings, error) {
	es, err := f.entries()
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.Name == name {
			return &e.InstanceSettings, nil
		}
	}
	return nil, nil
}

func (f *Fleet) live(name string) *sender.Instance {
	if f.Status == nil {
		return nil
	}
	if in, ok := f.Status(name); ok {
		return &in
	}
	return nil
}

func (f *Fleet) changed(name string) {
	if f.Changed != nil {
		f.Changed(name)
	}
}

func (f *Fleet) now() time.Time {
	if f.Now == nil {
		return time.Now()
	}
	return f.Now()
}

// Default returns the name of the instance that sends unpinned messages:
// the environment's when it is enabled, else the first enabled instance by
// name; "" when none is enabled.
func Default(ins []store.InstanceSettings, env *store.InstanceSettings) string {
	if env != nil {
		for _, in := range ins {
			if in.Name == env.Name && in.Enabled {
				return in.Name
			}
		}
	}
	for _, in := range ins {
		if in.Enabled {
			return in.Name
		}
	}
	return ""
}

// queued counts each instance's queued messages: those pinned to it, and
// the unpinned ones for the default instance.
func (f *Fleet) queued(es []entry) (map[string]int, error) {
	byPin, err := f.Store.QueuedByInstance()
	if err != nil {
		return nil, err
	}
	ins := make([]store.InstanceSettings, len(es))
	for i, e := range es {
		ins[i] = e.InstanceSettings
	}
	out := map[string]int{}
	d := Default(ins, f.Env)
	for pin, n := range byPin {
		if pin == "" || !has(ins, pin) {
			pin = d // as Runner.takes: a pin that names no instance is no pin
		}
		out[pin] += n
	}
	return out, nil
}
