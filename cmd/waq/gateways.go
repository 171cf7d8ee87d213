package main

import (
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/evolution"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// newRunner builds the instances (the environment's and the data file's)
// and the runner of their sending loops, one per enabled instance.
func (m *Main) newRunner() (*fleet.Runner, error) {
	f := m.newFleet()
	r := &fleet.Runner{
		Fleet:   f,
		Gateway: m.gateway,
		Base: sender.Config{
			RetryBase: m.Config.RetryBase,
			Logger:    m.Logger.With("part", "sender"),
			OnCall:    m.tracker.Call,
			OnWait:    stats.ObserveRateLimitWait,
		},
		Logger:        m.Logger.With("part", "instances"),
		FailoverGrace: m.Config.FailoverGrace,
		Campaigns:     m.reader.CampaignInstances,
	}
	if f.Env != nil {
		env, err := m.envConfig()
		if err != nil {
			return nil, err
		}
		r.EnvConfig = &env
	}
	f.Status = r.Status
	f.Changed = func(string) { r.Reconcile() }
	return r, nil
}

// envConfig is the sending settings of the environment's instance, from
// WAQ_RATE, WAQ_CONCURRENCY and the pacing variables (Validate checked them).
func (m *Main) envConfig() (sender.Config, error) {
	rate, err := sender.ParseRate(m.Config.Rate)
	if err != nil {
		return sender.Config{}, err
	}
	pacing, err := m.Config.Pacing()
	if err != nil {
		return sender.Config{}, err
	}
	return sender.Config{Rate: rate, Concurrency: m.Config.Concurrency, Pacing: pacing}, nil
}

// gateway returns the gateway of an instance; nil for one it does not know.
func (m *Main) gateway(in store.InstanceSettings) sender.Gateway {
	logger := m.Logger.With("part", "gateway", "instance", in.Name)
	switch in.Gateway {
	case GatewayDemo:
		return sender.NewDemo(m.rcv, logger)
	case GatewayEvolution:
		e := in.Evolution
		return evolution.New(evolution.Config{URL: e.URL, APIKey: e.APIKey, Instance: e.Instance})
	case GatewayCloudAPI:
		w := in.CloudAPI
		return cloudapi.New(cloudapi.Config{URL: w.APIURL, Token: w.Token, PhoneNumberID: w.PhoneNumberID})
	}
	return nil
}

// sender returns the sender of the named instance for the webhooks'
// connection events; the default instance's when no name is given.
func (m *Main) sender(instance string) *sender.Sender {
	if m.runner == nil {
		return nil
	}
	return m.runner.Sender(instance)
}

// webhookInstances tells the webhooks every instance, enabled or not,
// with its secrets (the Cloud API's app secret and verify token), and the
// default one, which takes the events that name no instance.
func webhookInstances(f *fleet.Fleet) func() ([]store.InstanceSettings, string, error) {
	return func() ([]store.InstanceSettings, string, error) {
		ins, err := f.Settings()
		return ins, fleet.Default(ins, f.Env), err
	}
}

// resumeInstances clears the instances' pauses, for POST /v1/queue/resume.
func (m *Main) resumeInstances() {
	if m.runner != nil {
		m.runner.Resume()
	}
}

// instances tells the API and the page the state of the running loops.
func instances(r *fleet.Runner) func() []ui.Instance {
	return func() []ui.Instance {
		var out []ui.Instance
		for _, in := range r.Statuses() {
			out = append(out, uiInstance(in))
		}
		return out
	}
}

// paused tells the metrics whether each instance is paused.
func paused(r *fleet.Runner) func() map[string]bool {
	return func() map[string]bool {
		out := map[string]bool{}
		for _, in := range r.Statuses() {
			out[in.Name] = in.State == sender.StatePaused
		}
		return out
	}
}

// use tells the metrics each running instance's use of its rate window
// and daily cap.
func use(r *fleet.Runner) func() map[string]stats.InstanceUse {
	return func() map[string]stats.InstanceUse {
		out := map[string]stats.InstanceUse{}
		for _, in := range r.Statuses() {
			limit := 0
			if rate, err := sender.ParseRate(in.Rate); err == nil {
				limit = rate.Count
			}
			out[in.Name] = stats.InstanceUse{WindowSends: in.SentLastWindow, WindowLimit: limit,
				DaySends: in.SentLastDay, DailyCap: in.DailyCap}
		}
		return out
	}
}
