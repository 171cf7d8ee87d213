// Package callback tells the agency's systems when a message changes state:
// a POST of the message's new status to its callback_url, or to
// WAQ_CALLBACK_URL. A callback is a row of the store's outbox, written in
// the commit of the transition that causes it (Rule decides which do);
// the Notifier's workers post the rows that are due, signed with
// X-Waq-Signature and the Standard Webhooks headers, and retry with
// backoff until delivered or expired.
package callback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/waqhq/waq/store"
)

// Header names of a callback request.
const (
	SignatureHeader          = "X-Waq-Signature"
	WebhookIDHeader          = "webhook-id"
	WebhookTimestampHeader   = "webhook-timestamp"
	WebhookSignatureHeader   = "webhook-signature"
	standardSecretPrefix     = "whsec_"
	payloadEvent             = "message.status"
	standardSignatureVersion = "v1,"
)

// Payload is the JSON body of a callback: the message's new status and
// what a client needs to match it.
type Payload struct {
	Event            string               `json:"event"` // "message.status"
	ID               string               `json:"id"`    // the message's id
	Status           store.Status         `json:"status"`
	PreviousStatus   store.Status         `json:"previous_status"`
	Transition       store.TransitionKind `json:"transition"` // what moved it, e.g. drained for a cancelled message
	At               time.Time            `json:"at"`
	To               string               `json:"to"`
	Campaign         string               `json:"campaign,omitempty"`
	Variant          string               `json:"variant,omitempty"` // the campaign variant it got
	Instance         string               `json:"instance,omitempty"`
	Attempts         int                  `json:"attempts"`
	GatewayMessageID string               `json:"gateway_message_id,omitempty"`
	LastError        string               `json:"last_error,omitempty"`
	IdempotencyKey   string               `json:"idempotency_key,omitempty"`
	Metadata         map[string]any       `json:"metadata,omitempty"`
}

// notified lists the states a callback reports: what a client waits for.
var notified = map[store.Status]bool{store.Sent: true, store.Delivered: true, store.Read: true,
	store.Failed: true, store.Dead: true, store.Cancelled: true}

// Rule returns the store's callback rule: a transition into a state a
// client waits for (sent, delivered, read, failed, dead, cancelled) writes
// a callback to the message's callback_url, or else to defaultURL; with
// neither, none. Imported history (sent before waq) writes none.
func Rule(defaultURL string) store.CallbackRule {
	return func(t *store.Transition) (string, []byte, bool) {
		if !notified[t.To] || t.From == t.To || t.Kind == store.KindImported {
			return "", nil, false
		}
		m := t.Message
		url := m.CallbackURL
		if url == "" {
			url = defaultURL
		}
		if url == "" {
			return "", nil, false
		}
		body, err := json.Marshal(Payload{Event: payloadEvent, ID: m.ID, Status: t.To, PreviousStatus: t.From,
			Transition: t.Kind, At: t.At, To: m.To, Campaign: m.Campaign, Variant: m.Variant, Instance: m.Instance, Attempts: m.Attempts,
			GatewayMessageID: m.GatewayMessageID, LastError: m.LastError, IdempotencyKey: m.IdempotencyKey,
			Metadata: m.Metadata})
		if err != nil { // metadata came from JSON: it encodes again
			return "", nil, false
		}
		return url, body, true
	}
}

// Sign returns the X-Waq-Signature of body: "sha256=" and the hex HMAC-SHA256
// of the raw body with secret, as Meta signs its webhooks.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// SignStandard returns the webhook-signature of a Standard Webhooks
// request: "v1," and the base64 HMAC-SHA256 of "id.timestamp.body" keyed
// by the secret's bytes, or by the base64 after "whsec_" when the secret
// is written so (as the Standard Webhooks libraries take it).
func SignStandard(secret, id string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, standardKey(secret))
	mac.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(body)
	return standardSignatureVersion + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func standardKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, standardSecretPrefix); ok {
		if k, err := base64.StdEncoding.DecodeString(rest); err == nil {
			return k
		}
	}
	return []byte(secret)
}

// CheckSecret returns an error for a secret written "whsec_..." whose rest
// is not base64: it would sign with the wrong key.
func CheckSecret(secret string) error {
	if rest, ok := strings.CutPrefix(secret, standardSecretPrefix); ok {
		if _, err := base64.StdEncoding.DecodeString(rest); err != nil {
			return err
		}
	}
	return nil
}
