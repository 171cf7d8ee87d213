package main

import (
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/evolution"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/ui"
)

// newSender builds the sender of the configured gateway, or returns nil for
// gateway none: then messages wait and the status page says why.
func (m *Main) newSender() (*sender.Sender, error) {
	cfg := m.Config
	rate, err := sender.ParseRate(cfg.Rate) // Validate checked it
	if err != nil {
		return nil, err
	}
	pacing, err := cfg.Pacing()
	if err != nil {
		return nil, err
	}
	var instance string
	if m.gw, instance = m.newGateway(); m.gw == nil {
		return nil, nil
	}
	sc := sender.Config{
		Instance:    instance,
		Gateway:     cfg.Gateway,
		Rate:        rate,
		Concurrency: cfg.Concurrency,
		RetryBase:   cfg.RetryBase,
		Pacing:      pacing,
		Logger:      m.Logger.With("part", "sender"),
		OnCall:      m.tracker.Call,
		OnWait:      stats.ObserveRateLimitWait,
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return sender.New(m.store, m.gw, sc), nil
}

// newGateway returns the configured gateway and the name of its instance,
// or nil for gateway none. Validate checked the settings it needs.
func (m *Main) newGateway() (sender.Gateway, string) {
	cfg, logger := m.Config, m.Logger.With("part", "gateway")
	switch cfg.Gateway {
	case GatewayDemo:
		return sender.NewDemo(m.rcv, logger), "demo"
	case GatewayEvolution:
		e := cfg.Evolution
		return evolution.New(evolution.Config{URL: e.APIURL, APIKey: e.APIKey, Instance: e.Instance}), e.Instance
	case GatewayCloudAPI:
		w := cfg.WhatsApp
		return cloudapi.New(cloudapi.Config{URL: w.APIURL, Token: w.Token, PhoneNumberID: w.PhoneNumberID}), w.PhoneNumberID
	}
	return nil, ""
}

// sender returns the sender of the named instance for the webhooks'
// connection events: the one sender, when the name matches or is not given.
func (m *Main) sender(instance string) *sender.Sender {
	if m.snd == nil || (instance != "" && instance != m.snd.Status().Name) {
		return nil
	}
	return m.snd
}

// resumeInstances clears the pause of the sender, for POST /v1/queue/resume.
func (m *Main) resumeInstances() {
	if m.snd != nil {
		m.snd.Resume()
	}
}

// instances tells the API and the page the state of the sender; nil means
// no gateway is configured.
func instances(snd *sender.Sender) func() []ui.Instance {
	if snd == nil {
		return nil
	}
	return func() []ui.Instance { return []ui.Instance{ui.Instance(snd.Status())} }
}

// paused tells the metrics whether each instance is paused.
func paused(snd *sender.Sender) func() map[string]bool {
	if snd == nil {
		return nil
	}
	return func() map[string]bool {
		in := snd.Status()
		return map[string]bool{in.Name: in.State == sender.StatePaused}
	}
}
