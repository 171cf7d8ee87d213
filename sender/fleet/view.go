package fleet

import (
	"sort"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// Sources of an instance.
const (
	SourceEnv = "env" // the EVOLUTION_*/WHATSAPP_*/WAQ_GATEWAY variables
	SourceAPI = "api" // PUT /v1/instances/{name}
)

// StateDisabled is the state of an instance whose enabled is false.
const StateDisabled = "disabled"

// View is one instance as GET /v1/instances shows it: its settings with
// every secret masked, and its state.
type View struct {
	Name           string                   `json:"name"`
	Gateway        string                   `json:"gateway"`
	Evolution      *store.EvolutionSettings `json:"evolution,omitempty"`
	CloudAPI       *store.CloudAPISettings  `json:"cloudapi,omitempty"`
	Rate           string                   `json:"rate"`
	Concurrency    int                      `json:"concurrency"`
	Pacing         store.PacingSettings     `json:"pacing"`
	Enabled        bool                     `json:"enabled"`
	State          string                   `json:"state"` // active, paused or disabled
	PausedReason   string                   `json:"paused_reason,omitempty"`
	SentLastWindow int                      `json:"sent_last_window"`
	SentLastDay    int                      `json:"sent_last_day"`
	Queued         int                      `json:"queued"`
	Source         string                   `json:"source"`
}

// maskPrefix starts a masked secret: "…abcd".
const maskPrefix = "…"

// mask shows the last four characters of a secret, and nothing of one of
// four characters or fewer.
func mask(s string) string {
	r := []rune(s)
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 4:
		return maskPrefix
	}
	return maskPrefix + string(r[len(r)-4:])
}

// view builds the View of in; live is the sending loop's status, nil when
// no loop runs for it.
func view(in store.InstanceSettings, source string, live *sender.Instance, queued int) View {
	v := View{Name: in.Name, Gateway: in.Gateway, Rate: in.Rate, Concurrency: in.Concurrency,
		Pacing: in.Pacing, Enabled: in.Enabled, Queued: queued, Source: source, State: sender.StateActive}
	if e := in.Evolution; e != nil {
		v.Evolution = &store.EvolutionSettings{URL: e.URL, APIKey: mask(e.APIKey), Instance: e.Instance}
	}
	if c := in.CloudAPI; c != nil {
		v.CloudAPI = &store.CloudAPISettings{APIURL: c.APIURL, Token: mask(c.Token), PhoneNumberID: c.PhoneNumberID,
			AppSecret: mask(c.AppSecret), VerifyToken: mask(c.VerifyToken)}
	}
	if live != nil {
		v.State, v.PausedReason = live.State, live.PausedReason
		v.SentLastWindow, v.SentLastDay = live.SentLastWindow, live.SentLastDay
	}
	if !in.Enabled {
		v.State = StateDisabled
	}
	return v
}

func sortInstances(ins []sender.Instance) {
	sort.Slice(ins, func(i, j int) bool { return ins[i].Name < ins[j].Name })
}
