package cloudapitest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Ids the webhook bodies use for the business side.
const (
	wabaID        = "102290129340398"
	displayNumber = "15550001234"
	recipientID   = "15551234567"
)

// StatusBody is the webhook Meta posts when the message wamid moved to
// status ("sent", "delivered", "read", "failed"...). A non-zero errCode
// adds the errors[] Meta sends with a failed status.
func StatusBody(phoneNumberID, wamid, status string, errCode int) []byte {
	st := map[string]any{"id": wamid, "status": status, "timestamp": now(), "recipient_id": recipientID}
	if status != "failed" {
		st["conversation"] = map[string]any{"id": "c8b1c3b1a5d2e4f6", "origin": map[string]any{"type": "marketing"}}
		st["pricing"] = map[string]any{"billable": true, "pricing_model": "PMP", "category": "marketing"}
	}
	if errCode != 0 {
		c, ok := codes[errCode]
		if !ok {
			c = codeInfo{title: "Unknown error", details: "An unknown error occurred."}
		}
		st["errors"] = []any{map[string]any{
			"code": errCode, "title": c.title, "message": c.title,
			"error_data": map[string]any{"details": c.details},
			"href":       "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
		}}
	}
	return envelope(phoneNumberID, map[string]any{"statuses": []any{st}})
}

// InboundBody is the webhook Meta posts when from ("+<digits>" or digits)
// writes text; a non-empty contextID makes it a reply to that wamid.
func InboundBody(phoneNumberID, wamid, from, text, contextID string) []byte {
	from = strings.TrimPrefix(from, "+")
	msg := map[string]any{
		"from": from, "id": wamid, "timestamp": now(), "type": "text",
		"text": map[string]any{"body": text},
	}
	if contextID != "" {
		msg["context"] = map[string]any{"from": displayNumber, "id": contextID}
	}
	return envelope(phoneNumberID, map[string]any{
		"contacts": []any{map[string]any{"profile": map[string]any{"name": "Test User"}, "wa_id": from}},
		"messages": []any{msg},
	})
}

// Sign returns the X-Hub-Signature-256 header Meta would send with body.
func Sign(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// envelope wraps a "messages" field value in the webhook's envelope.
func envelope(phoneNumberID string, value map[string]any) []byte {
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]any{"display_phone_number": displayNumber, "phone_number_id": phoneNumberID}
	return []byte(mustJSON(map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": wabaID, "changes": []any{
			map[string]any{"field": "messages", "value": value},
		}}},
	}))
}

func now() string { return strconv.FormatInt(time.Now().Unix(), 10) }
