package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/VictoriaMetrics/metrics"
	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/evolution"
	"github.com/waqhq/waq/store"
)

// Receiver applies the events of a webhook delivery; *sender.Receiver is
// the one waq uses.
type Receiver interface {
	Apply(evs []sender.GatewayEvent) (sender.Result, error)
}

// webhookReply is the answer to a webhook delivery.
type webhookReply struct {
	Received int `json:"received"`
	sender.Result
}

var errNoReceiver = store.Errorf(store.EUNAVAILABLE, "webhooks are not wired to a receiver")

// evolutionWebhook answers POST /v1/webhooks/evolution: the events of one
// Evolution API delivery, each put on the instance its envelope names (see
// directory.evolution) and applied before the answer. A body that is not
// an Evolution event is 400 (Evolution does not retry it); a delivery
// that names an instance waq does not have is 422, nothing of it applied;
// an event that cannot be stored as it is (an over-long id) is counted as
// rejected in a 200, so that it is not delivered again; a store failure
// is 503, which Evolution retries.
func (s *Server) evolutionWebhook(r *http.Request, _ httprouter.Params) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	evs, err := evolution.ParseWebhook(body)
	if err != nil {
		return nil, store.Errorf(EBADREQUEST, "%v", err)
	}
	d, err := s.directory()
	if err != nil {
		return nil, err
	}
	if err := s.nameEvolution(evs, d); err != nil {
		return nil, err
	}
	return s.receive("evolution", evs)
}

// whatsappVerify answers GET /v1/webhooks/whatsapp, Meta's subscription
// check: the challenge echoed as text when the verify token is
// WHATSAPP_VERIFY_TOKEN or a Cloud API instance's, else 403.
func (s *Server) whatsappVerify(r *http.Request, _ httprouter.Params) (any, error) {
	d, err := s.directory()
	if err != nil {
		return nil, err
	}
	tokens := d.verifyTokens(s.opts.WhatsAppVerifyToken)
	if len(tokens) == 0 {
		return nil, store.Errorf(EFORBIDDEN, "set WHATSAPP_VERIFY_TOKEN, or an instance's cloudapi.verify_token, to answer Meta's verification")
	}
	for _, tok := range tokens {
		if challenge, ok := cloudapi.VerifyChallenge(r.URL.Query(), tok); ok {
			return text(challenge), nil
		}
	}
	return nil, store.Errorf(EFORBIDDEN, "hub.mode or hub.verify_token do not match")
}

// whatsappWebhook answers POST /v1/webhooks/whatsapp: Cloud API statuses
// and inbound messages, put on the instance of their phone number id. The
// ids are read first, and the X-Hub-Signature-256 of the raw body checked
// with those instances' app secrets (authenticateCloud; 401 when it does
// not match) before the events are parsed. An id no instance has is 422,
// nothing of the delivery applied; the rest is answered as Evolution's.
func (s *Server) whatsappWebhook(r *http.Request, _ httprouter.Params) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	d, err := s.directory()
	if err != nil {
		return nil, err
	}
	ids, _ := cloudapi.PhoneNumberIDs(body) // a body it cannot read names none; ParseWebhook says why below
	names, known, unknown := d.clouds(ids)
	if err := s.authenticateCloud(r, body, d, known); err != nil {
		return nil, err
	}
	evs, err := cloudapi.ParseWebhook(body)
	if err != nil {
		return nil, store.Errorf(EBADREQUEST, "%v", err)
	}
	if unknown != "" {
		return nil, s.refuseUnknown("cloudapi", unknown, len(evs),
			fmt.Sprintf(`no instance has the phone number id %q: add it with PUT /v1/instances/{name} and "cloudapi": {"phone_number_id": %q, ...}; nothing of this delivery was applied`, unknown, unknown))
	}
	nameCloud(evs, d, names)
	return s.receive("cloudapi", evs)
}

func (s *Server) receive(source string, evs []sender.GatewayEvent) (any, error) {
	for _, ev := range evs {
		webhookCounter(source, ev.Name).Inc()
	}
	if s.opts.Receiver == nil {
		return nil, errNoReceiver
	}
	res, err := s.opts.Receiver.Apply(evs)
	if res.Rejected > 0 {
		metrics.GetOrCreateCounter(fmt.Sprintf(`waq_webhooks_rejected_total{source=%q,reason="oversized"}`, source)).Add(res.Rejected)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", store.Errorf(store.EUNAVAILABLE, "cannot store the events now; deliver again"), err)
	}
	return webhookReply{Received: len(evs), Result: res}, nil
}

// webhookCounter returns waq_webhooks_total for a source and event. Event
// names come from the payload, so odd ones count as "other" rather than
// growing the metric's series.
func webhookCounter(source, event string) *metrics.Counter {
	if len(event) > 40 || strings.Trim(event, "abcdefghijklmnopqrstuvwxyz._") != "" || event == "" {
		event = "other"
	}
	return metrics.GetOrCreateCounter(fmt.Sprintf(`waq_webhooks_total{source=%q,event=%q}`, source, event))
}
