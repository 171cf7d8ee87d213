package main

import (
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// newFleet returns the instances of the data file beside the one the
// environment variables define.
func (m *Main) newFleet() *fleet.Fleet {
	return &fleet.Fleet{Store: m.store, Env: m.envInstance(), Check: fleet.CheckCredentials(nil), Loc: m.loc}
}

// inbound sees each inbound message the webhooks store: the analytics
// count it, and the contact sticks to the instance it wrote to.
func (m *Main) inbound(in store.Inbound) {
	m.tracker.Inbound(in)
	if m.runner != nil {
		m.runner.Inbound(in)
	}
}

// envInstance is the instance of WAQ_GATEWAY and EVOLUTION_*/WHATSAPP_*,
// as /v1/instances shows it; nil for gateway none.
func (m *Main) envInstance() *store.InstanceSettings {
	cfg := m.Config
	in := &store.InstanceSettings{Gateway: cfg.Gateway, Rate: cfg.Rate, Concurrency: cfg.Concurrency, Enabled: true,
		Pacing: store.PacingSettings{Gap: cfg.SendGap, DailyCap: cfg.DailyCap, Window: cfg.SendWindow}}
	if cfg.WarmupStart > 0 {
		in.Pacing.WarmupDays = cfg.WarmupDays
	}
	if cfg.RecipientGap > 0 {
		in.Pacing.RecipientGap = cfg.RecipientGap.String()
	}
	switch cfg.Gateway {
	case GatewayDemo:
		in.Name = "demo"
	case GatewayEvolution:
		e := cfg.Evolution
		in.Name, in.Evolution = e.Instance, &store.EvolutionSettings{URL: e.APIURL, APIKey: e.APIKey, Instance: e.Instance}
	case GatewayCloudAPI:
		w := cfg.WhatsApp
		in.Name, in.CloudAPI = w.PhoneNumberID, &store.CloudAPISettings{APIURL: w.APIURL, Token: w.Token,
			PhoneNumberID: w.PhoneNumberID, AppSecret: w.AppSecret, VerifyToken: w.VerifyToken}
	default:
		return nil
	}
	return in
}

// uiInstance is a loop's state as /healthz shows it.
func uiInstance(in sender.Instance) ui.Instance {
	return ui.Instance{Name: in.Name, Gateway: in.Gateway, State: in.State, PausedReason: in.PausedReason,
		HeldUntil: in.HeldUntil, Rate: in.Rate, SentLastWindow: in.SentLastWindow, DailyCap: in.DailyCap,
		SentLastDay: in.SentLastDay, Waiting: in.Waiting}
}

// queueInstances tells GET /v1/queue every instance, with its queue.
func queueInstances(r *fleet.Runner) func() ([]ui.Instance, error) {
	return func() ([]ui.Instance, error) {
		ls, err := r.Live()
		if err != nil {
			return nil, err
		}
		out := make([]ui.Instance, len(ls))
		for i, l := range ls {
			out[i] = uiInstance(l.Instance)
			out[i].PausedSince, out[i].RateLimit = l.PausedSince, l.RateLimit
			out[i].Queue = &ui.InstanceQueue{Queued: l.Queued, Pinned: l.Pinned, Waiting: l.Waiting, WaitingIDs: l.WaitingIDs,
				Partial: l.Partial}
		}
		return out, nil
	}
}
