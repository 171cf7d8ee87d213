package fleet

import (
	"regexp"
	"strings"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// Gateways an instance may use.
const (
	GatewayEvolution = "evolution"
	GatewayCloudAPI  = "cloudapi"
	GatewayDemo      = "demo"
)

// Body is PUT /v1/instances/{name}'s body. Zero fields take their
// defaults: rate sender.RateDefault, concurrency sender.ConcurrencyDefault,
// enabled true, evolution.instance the instance's name.
type Body struct {
	Gateway     string                   `json:"gateway"`
	Evolution   *store.EvolutionSettings `json:"evolution"`
	CloudAPI    *store.CloudAPISettings  `json:"cloudapi"`
	Rate        string                   `json:"rate"`
	Concurrency int                      `json:"concurrency"`
	Pacing      store.PacingSettings     `json:"pacing"`
	Enabled     *bool                    `json:"enabled"`
}

// validName: a name is a path segment of /v1/instances/{name} and a label
// in logs and metrics.
var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// settings turns b into the settings of instance name, with the secrets
// that b leaves empty or masked taken from old (the instance as it is). It
// returns an EINVALID *store.Error naming the field for bad input; the
// credentials are checked against the gateway later, by a Checker.
func (b Body) settings(name string, old *store.InstanceSettings) (store.InstanceSettings, error) {
	if !validName.MatchString(name) {
		return store.InstanceSettings{}, store.FieldErrorf("name", "%q: use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit", name)
	}
	in := store.InstanceSettings{Name: name, Gateway: b.Gateway, Rate: b.Rate, Concurrency: b.Concurrency, Pacing: b.Pacing, Enabled: true}
	if b.Enabled != nil {
		in.Enabled = *b.Enabled
	}
	if in.Rate == "" {
		in.Rate = sender.RateDefault
	}
	if in.Concurrency == 0 {
		in.Concurrency = sender.ConcurrencyDefault
	}
	if err := b.credentials(&in, old); err != nil {
		return in, err
	}
	return in, nil
}

// credentials copies the block of b's gateway into in, keeping old's
// secrets where b's are empty or masked, and checks that the block is whole.
func (b Body) credentials(in *store.InstanceSettings, old *store.InstanceSettings) error {
	switch b.Gateway {
	case GatewayEvolution:
		if b.CloudAPI != nil {
			return store.FieldErrorf("cloudapi", "an evolution instance takes only the evolution block")
		}
		return evolutionBlock(in, b.Evolution, old)
	case GatewayCloudAPI:
		if b.Evolution != nil {
			return store.FieldErrorf("evolution", "a cloudapi instance takes only the cloudapi block")
		}
		return cloudAPIBlock(in, b.CloudAPI, old)
	case GatewayDemo:
		if b.Evolution != nil || b.CloudAPI != nil {
			return store.FieldErrorf("gateway", "a demo instance takes no credentials")
		}
		return nil
	case "":
		return store.FieldErrorf("gateway", "is required: evolution, cloudapi or demo")
	}
	return store.FieldErrorf("gateway", "%q: must be evolution, cloudapi or demo", b.Gateway)
}

func evolutionBlock(in *store.InstanceSettings, e *store.EvolutionSettings, old *store.InstanceSettings) error {
	if e == nil {
		return store.FieldErrorf("evolution", "an evolution instance needs {\"url\", \"api_key\", \"instance\"}")
	}
	c := *e
	if old != nil && old.Evolution != nil {
		c.APIKey = keep(c.APIKey, old.Evolution.APIKey)
	}
	if c.Instance == "" {
		c.Instance = in.Name
	}
	switch {
	case !httpURL(c.URL):
		return store.FieldErrorf("evolution.url", "%q: must be the Evolution server's http(s) base URL, such as https://evo.example.com", c.URL)
	case strings.TrimSpace(c.APIKey) == "":
		return store.FieldErrorf("evolution.api_key", "is required: the global AUTHENTICATION_API_KEY or the instance token")
	case c.Instance != strings.TrimSpace(c.Instance):
		return store.FieldErrorf("evolution.instance", "%q: remove the surrounding spaces", c.Instance)
	}
	in.Evolution = &c
	return nil
}

func cloudAPIBlock(in *store.InstanceSettings, w *store.CloudAPISettings, old *store.InstanceSettings) error {
	if w == nil {
		return store.FieldErrorf("cloudapi", "a cloudapi instance needs {\"token\", \"phone_number_id\"} at least")
	}
	c := *w
	if old != nil && old.CloudAPI != nil {
		c.Token = keep(c.Token, old.CloudAPI.Token)
		c.AppSecret = keep(c.AppSecret, old.CloudAPI.AppSecret)
		c.VerifyToken = keep(c.VerifyToken, old.CloudAPI.VerifyToken)
	}
	switch {
	case c.APIURL != "" && !httpURL(c.APIURL):
		return store.FieldErrorf("cloudapi.api_url", "%q: must be the Graph API's http(s) URL with its version, or empty for Meta's", c.APIURL)
	case strings.TrimSpace(c.Token) == "":
		return store.FieldErrorf("cloudapi.token", "is required: a system-user access token with whatsapp_business_messaging")
	case !digits(c.PhoneNumberID):
		return store.FieldErrorf("cloudapi.phone_number_id", "%q: must be the digits-only id from WhatsApp Manager, not the phone number", c.PhoneNumberID)
	}
	in.CloudAPI = &c
	return nil
}

// keep returns the stored secret when the given one is empty or the mask
// a GET showed, so that a GET's answer can be PUT back unchanged.
func keep(given, stored string) string {
	if given == "" || (strings.HasPrefix(given, maskPrefix) && given == mask(stored)) {
		return stored
	}
	return given
}

func httpURL(s string) bool {
	return (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) && len(s) > len("https://") && !strings.ContainsAny(s, "?# ")
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Config returns the sending settings of in, its rate and pacing parsed
// (the window in loc). It returns an EINVALID *store.Error naming the
// field that does not parse.
func Config(in store.InstanceSettings, loc *time.Location) (sender.Config, error) {
	rate, err := sender.ParseRate(in.Rate)
	if err != nil {
		return sender.Config{}, err
	}
	if in.Concurrency < 1 || in.Concurrency > concurrencyMax {
		return sender.Config{}, store.FieldErrorf("concurrency", "%d: must be 1 to %d parallel gateway calls", in.Concurrency, concurrencyMax)
	}
	p, err := pacing(in.Pacing, loc)
	if err != nil {
		return sender.Config{}, err
	}
	return sender.Config{Instance: in.Name, Gateway: in.Gateway, Rate: rate, Concurrency: in.Concurrency, Pacing: p}, nil
}

// concurrencyMax bounds an instance's parallel calls: WhatsApp numbers
// are banned long before this.
const concurrencyMax = 100

// pacing parses an instance's pacing. A warm-up over warmup_days starts at
// daily_cap/warmup_days a day and grows to daily_cap.
func pacing(ps store.PacingSettings, loc *time.Location) (sender.Pacing, error) {
	var p sender.Pacing
	var err error
	if p.GapMin, p.GapMax, err = sender.ParseGap(ps.Gap); err != nil {
		return p, store.FieldErrorf("pacing.gap", "%v", err)
	}
	if ps.RecipientGap != "" {
		if p.RecipientGap, err = time.ParseDuration(ps.RecipientGap); err != nil || p.RecipientGap < 0 {
			return p, store.FieldErrorf("pacing.recipient_gap", "%q: write a duration such as 6s, or 0s for none", ps.RecipientGap)
		}
	}
	if ps.Window != "" {
		if p.Window, err = sender.ParseWindow(ps.Window, loc); err != nil {
			return p, store.FieldErrorf("pacing.window", "%v", err)
		}
	}
	switch {
	case ps.DailyCap < 0:
		return p, store.FieldErrorf("pacing.daily_cap", "%d: must be 0 (none) or more", ps.DailyCap)
	case ps.WarmupDays < 0:
		return p, store.FieldErrorf("pacing.warmup_days", "%d: must be 0 (none) or more", ps.WarmupDays)
	case ps.WarmupDays > 0 && ps.DailyCap == 0:
		return p, store.FieldErrorf("pacing.warmup_days", "a warm-up needs the daily_cap it grows to")
	}
	p.DailyCap, p.WarmupDays = ps.DailyCap, ps.WarmupDays
	if ps.WarmupDays > 0 {
		p.WarmupStart = max(1, ps.DailyCap/ps.WarmupDays)
	}
	return p, nil
}
