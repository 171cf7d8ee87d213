package cloudapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// SignatureHeader is the header Meta signs every webhook POST with.
const SignatureHeader = "X-Hub-Signature-256"

// VerifySignature reports whether header, the X-Hub-Signature-256 value
// "sha256=<hex>", is the HMAC-SHA256 of the raw body under appSecret. It is
// false for an empty secret and a missing or malformed header, so an
// unconfigured secret never lets a forged webhook through.
func VerifySignature(appSecret string, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if appSecret == "" || !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// VerifyChallenge answers Meta's subscription check, the GET with
// hub.mode=subscribe, hub.verify_token and hub.challenge: ok is true, and
// challenge is what to echo with a 200, only when the token is ours. An
// empty verifyToken never matches.
func VerifyChallenge(q url.Values, verifyToken string) (challenge string, ok bool) {
	if verifyToken == "" || q.Get("hub.mode") != "subscribe" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(verifyToken)) != 1 {
		return "", false
	}
	return q.Get("hub.challenge"), true
}

// PhoneNumberIDs returns the distinct metadata.phone_number_id values of
// a webhook body's "messages" changes, in order: the numbers, hence the
// instances, the delivery is for (ParseWebhook puts the same id on their
// events). It reads only that much, so that the signature can be checked
// with the right instance's app secret before the events are parsed. A
// change without one adds nothing; it returns an error only for a body
// that ParseWebhook could not read either (not JSON of the envelope's
// shape).
func PhoneNumberIDs(body []byte) ([]string, error) {
	var w webhook
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("cloudapi: parse webhook: %w", err)
	}
	var ids []string
	for _, e := range w.Entry {
		for _, c := range e.Changes {
			var v struct {
				Metadata struct {
					PhoneNumberID string `json:"phone_number_id"`
				} `json:"metadata"`
			}
			if c.Field != "messages" || json.Unmarshal(c.Value, &v) != nil {
				continue // change() makes an EventOther of it, with no instance
			}
			if id := v.Metadata.PhoneNumberID; id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}
