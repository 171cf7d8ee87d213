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
// Evolution API delivery, applied before the answer. A body that is not an
// Evolution event is 400 (Evolution does not retry it); an event that
// cannot be stored as it is (an over-long id) is counted as rejected in a
// 200, so that it is not delivered again; a store failure is 503, which
// Evolution retries.
func (s *Server) evolutionWebhook(r *http.Request, _ httprouter.Params) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	evs, err := evolution.ParseWebhook(body)
	if err != nil {
		return nil, store.Errorf(EBADREQUEST, "%v", err)
	}
	return s.receive("evolution", evs)
}

// whatsappVerify answers GET /v1/webhooks/whatsapp, Meta's subscription
// check: the challenge echoed as text when the verify token matches, else
// 403.
func (s *Server) whatsappVerify(r *http.Request, _ httprouter.Params) (any, error) {
	if s.opts.WhatsAppVerifyToken == "" {
		return nil, store.Errorf(EFORBIDDEN, "set WHATSAPP_VERIFY_TOKEN to answer Meta's verification")
	}
	challenge, ok := cloudapi.VerifyChallenge(r.URL.Query(), s.opts.WhatsAppVerifyToken)
	if !ok {
		return nil, store.Errorf(EFORBIDDEN, "hub.mode or hub.verify_token do not match")
	}
	return text(challenge), nil
}

// whatsappWebhook answers POST /v1/webhooks/whatsapp: Cloud API statuses
// and inbound messages. With WHATSAPP_APP_SECRET set the X-Hub-Signature-256
// of the raw body is the authentication (401 when it does not match);
// without it the route takes the webhook token or API key like Evolution's.
func (s *Server) whatsappWebhook(r *http.Request, _ httprouter.Params) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if sec := s.opts.WhatsAppAppSecret; sec != "" && !cloudapi.VerifySignature(sec, body, r.Header.Get("X-Hub-Signature-256")) {
		return nil, store.Errorf(EUNAUTHORIZED, "X-Hub-Signature-256 does not match the body (check WHATSAPP_APP_SECRET)")
	}
	evs, err := cloudapi.ParseWebhook(body)
	if err != nil {
		return nil, store.Errorf(EBADREQUEST, "%v", err)
	}
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
		metrics.GetOrCreateCounter(fmt.Sprintf(`waq_webhooks_rejected_total{source=%q}`, source)).Add(res.Rejected)
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
