package ui

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/store"
)

// directory is the instances one webhook delivery is matched to, read
// once per delivery so that a delivery sees one version of them.
type directory struct {
	ins       []store.InstanceSettings
	deflt     string // takes the events that name no instance
	wired     bool   // false without Options.WebhookInstances: names pass through
	envSecret string // WHATSAPP_APP_SECRET
}

// directory reads the instances; an EUNAVAILABLE error when it cannot,
// which the gateway retries.
func (s *Server) directory() (directory, error) {
	d := directory{envSecret: s.opts.WhatsAppAppSecret}
	if s.opts.WebhookInstances == nil {
		return d, nil
	}
	ins, deflt, err := s.opts.WebhookInstances()
	if err != nil {
		return d, fmt.Errorf("%w: %w", store.Errorf(store.EUNAVAILABLE, "cannot read the instances now; deliver again"), err)
	}
	d.ins, d.deflt, d.wired = ins, deflt, true
	return d, nil
}

// evolution returns the name of the instance an Evolution delivery names:
// the one whose Evolution instance is name, else the one called name; the
// default one for no name. It is false for a name no instance has.
func (d directory) evolution(name string) (string, bool) {
	if !d.wired {
		return name, true
	}
	if name == "" {
		return d.deflt, true
	}
	for _, in := range d.ins {
		if in.Evolution != nil && in.Evolution.Instance == name {
			return in.Name, true
		}
	}
	for _, in := range d.ins {
		if in.Name == name {
			return in.Name, true
		}
	}
	return "", false
}

// cloud returns the name of the instance whose Cloud API phone number id
// is id; the default one for no id. It is false for an id no instance has.
func (d directory) cloud(id string) (string, bool) {
	if !d.wired {
		return id, true
	}
	if id == "" {
		return d.deflt, true
	}
	for _, in := range d.ins {
		if in.CloudAPI != nil && in.CloudAPI.PhoneNumberID == id {
			return in.Name, true
		}
	}
	return "", false
}

// clouds matches the phone number ids of a delivery: names maps each
// known id to its instance, known lists those instances, unknown is the
// first id no instance has ("" when none).
func (d directory) clouds(ids []string) (names map[string]string, known []string, unknown string) {
	names = map[string]string{}
	for _, id := range ids {
		if n, ok := d.cloud(id); ok {
			names[id], known = n, append(known, n)
		} else if unknown == "" {
			unknown = id
		}
	}
	return names, known, unknown
}

// secrets returns the app secrets a Cloud API delivery for the named
// instance may be signed with: its own, else WHATSAPP_APP_SECRET (one
// Meta app often serves several numbers); none when neither is set.
func (d directory) secrets(name string) []string {
	for _, in := range d.ins {
		if in.Name == name && in.CloudAPI != nil && in.CloudAPI.AppSecret != "" {
			return []string{in.CloudAPI.AppSecret}
		}
	}
	return nonEmpty(d.envSecret)
}

// allSecrets returns every app secret waq knows: a delivery that names no
// known instance must be signed by one of the operator's apps.
func (d directory) allSecrets() []string {
	out := nonEmpty(d.envSecret)
	for _, in := range d.ins {
		if in.CloudAPI != nil {
			out = append(out, nonEmpty(in.CloudAPI.AppSecret)...)
		}
	}
	return out
}

// verifyTokens returns the tokens Meta's verification may carry:
// WHATSAPP_VERIFY_TOKEN and every Cloud API instance's own.
func (d directory) verifyTokens(env string) []string {
	out := nonEmpty(env)
	for _, in := range d.ins {
		if in.CloudAPI != nil {
			out = append(out, nonEmpty(in.CloudAPI.VerifyToken)...)
		}
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// authenticateCloud checks a Cloud API delivery for the instances names
// (waq's names of the numbers it carries): its X-Hub-Signature-256 must
// verify with the app secret of each of them, or, when it names no known
// instance, with one of the secrets waq knows. Where no secret applies,
// the webhook token or API key is needed, as on Evolution's route. It
// returns an EUNAUTHORIZED *store.Error.
func (s *Server) authenticateCloud(r *http.Request, body []byte, d directory, names []string) error {
	if len(names) == 0 {
		return s.signedWith(r, body, d.allSecrets(), "WHATSAPP_APP_SECRET or an instance's cloudapi.app_secret")
	}
	for _, n := range names {
		hint := fmt.Sprintf("the app secret of instance %q: its cloudapi.app_secret, else WHATSAPP_APP_SECRET", n)
		if err := s.signedWith(r, body, d.secrets(n), hint); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) signedWith(r *http.Request, body []byte, secrets []string, hint string) error {
	if len(secrets) == 0 {
		if s.webhookAllowed(r) {
			return nil
		}
		return store.Errorf(EUNAUTHORIZED, "no app secret applies (set %s), so the webhook token or API key is needed", hint)
	}
	sig := r.Header.Get(cloudapi.SignatureHeader)
	for _, sec := range secrets {
		if cloudapi.VerifySignature(sec, body, sig) {
			return nil
		}
	}
	return store.Errorf(EUNAUTHORIZED, "X-Hub-Signature-256 does not match the body (check %s)", hint)
}

// nameEvolution puts on each event the name of the instance its envelope
// names. It returns the refusal of the delivery when one names an
// instance waq does not have; then no event is named.
func (s *Server) nameEvolution(evs []sender.GatewayEvent, d directory) error {
	names := make([]string, len(evs))
	for i, ev := range evs {
		n, ok := d.evolution(ev.Instance)
		if !ok {
			return s.refuseUnknown("evolution", ev.Instance, len(evs),
				fmt.Sprintf(`no instance has the Evolution instance or name %q: add it with PUT /v1/instances/{name} and "evolution": {"instance": %q}, or stop sending that instance's webhook to waq; nothing of this delivery was applied`, ev.Instance, ev.Instance))
		}
		names[i] = n
	}
	for i := range evs {
		evs[i].Instance = names[i]
	}
	return nil
}

// nameCloud puts on each event the name of the instance of its phone
// number id (the default one for none); ids maps the ids to the names.
func nameCloud(evs []sender.GatewayEvent, d directory, ids map[string]string) {
	for i := range evs {
		if n, ok := ids[evs[i].Instance]; ok {
			evs[i].Instance = n
		} else if evs[i].Instance == "" && d.wired {
			evs[i].Instance = d.deflt
		}
	}
}

// refuseUnknown counts the events of a delivery refused for naming an
// unknown instance, logs the name the first time, and returns the
// EINVALID error (422) that answers it: Evolution does not retry a 422,
// Meta retries any non-200 for days, so adding the instance meanwhile
// gets Meta's deliveries in.
func (s *Server) refuseUnknown(source, name string, events int, msg string) error {
	metrics.GetOrCreateCounter(fmt.Sprintf(`waq_webhooks_rejected_total{source=%q,reason="unknown_instance"}`, source)).Add(events)
	if s.unknownLogged.first(source + "\x00" + name) {
		s.log.Warn("webhook for an unknown instance refused; logged once per name", "source", source, "instance", name)
	}
	return store.FieldErrorf("instance", "%s", msg)
}

// seenMax bounds the names seenOnce remembers: names come from requests.
const seenMax = 64

// seenOnce remembers keys so that a warning is logged once per key. When
// full it forgets them all, so a flood of names still logs a bounded
// amount: once per name in each run of seenMax new names.
type seenOnce struct {
	mu   sync.Mutex
	keys map[string]struct{}
}

// first reports whether key is new, and remembers it.
func (o *seenOnce) first(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.keys[key]; ok {
		return false
	}
	if o.keys == nil || len(o.keys) >= seenMax {
		o.keys = make(map[string]struct{}, seenMax)
	}
	o.keys[key] = struct{}{}
	return true
}
