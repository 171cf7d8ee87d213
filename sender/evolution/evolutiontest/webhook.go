package evolutiontest

import (
	"encoding/json"
	"strings"
	"time"
)

// Placeholders the webhook builders put where Evolution has values a test
// does not care about.
const (
	hookSender    = "5511999990000@s.whatsapp.net" // the instance's own jid
	hookServer    = "https://evo.example.com"
	hookTarget    = "https://appliance.local/hooks/evolution"
	hookRecipient = "200000000000@s.whatsapp.net"
)

// hook is Evolution's webhook envelope (§2.3).
type hook struct {
	Event       string `json:"event"`
	Instance    string `json:"instance"`
	Data        any    `json:"data"`
	Destination string `json:"destination"`
	DateTime    string `json:"date_time"`
	Sender      string `json:"sender"`
	ServerURL   string `json:"server_url"`
	APIKey      any    `json:"apikey"`
}

func envelopeHook(event, instance string, data any) []byte {
	return []byte(mustJSON(hook{Event: event, Instance: instance, Data: data, Destination: hookTarget,
		DateTime: time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), Sender: hookSender, ServerURL: hookServer}))
}

// StatusUpdate is a messages.update for a message waq sent (fromMe true)
// with key.id keyID, in Baileys' words: "SERVER_ACK", "DELIVERY_ACK",
// "READ", "PLAYED", "ERROR"...
func StatusUpdate(instance, keyID, status string) []byte {
	return envelopeHook("messages.update", instance, map[string]any{
		"keyId": keyID, "remoteJid": hookRecipient, "fromMe": true, "participant": nil,
		"status": status, "pollUpdates": nil, "instanceId": uuid(), "messageId": "cm" + strings.ToLower(newKeyID()[4:]),
	})
}

// Inbound is a messages.upsert of a text a contact sent. fromJid is a jid
// ("34600111222@s.whatsapp.net", "1371...@lid") or a number ("+34600111222").
func Inbound(instance, keyID, fromJid, text string) []byte {
	return inbound(instance, keyID, fromJid, text, "")
}

// InboundReply is Inbound for a text that answers the message stanzaID.
func InboundReply(instance, keyID, fromJid, text, stanzaID string) []byte {
	return inbound(instance, keyID, fromJid, text, stanzaID)
}

func inbound(instance, keyID, fromJid, text, stanzaID string) []byte {
	jid, mode := fromJid, "pn"
	switch {
	case strings.HasSuffix(jid, "@lid"):
		mode = "lid"
	case !strings.Contains(jid, "@"):
		jid = digits(jid) + "@s.whatsapp.net"
	}
	data := map[string]any{
		"key":      map[string]any{"remoteJid": jid, "fromMe": false, "id": keyID, "addressingMode": mode},
		"pushName": "Rodrigo", "status": "DELIVERY_ACK",
		"message":          map[string]any{"conversation": text, "messageContextInfo": map[string]any{}},
		"contextInfo":      nil,
		"messageType":      "conversation",
		"messageTimestamp": time.Now().Unix(), "instanceId": uuid(), "source": "android",
	}
	if stanzaID != "" {
		ctx := map[string]any{"stanzaId": stanzaID, "participant": hookSender,
			"quotedMessage": map[string]any{"conversation": ""}}
		data["message"] = map[string]any{"extendedTextMessage": map[string]any{"text": text, "contextInfo": ctx},
			"messageContextInfo": map[string]any{}}
		data["messageType"], data["contextInfo"] = "extendedTextMessage", ctx
	}
	return envelopeHook("messages.upsert", instance, data)
}

// ConnectionUpdate is a connection.update: state "open" (statusReason 200),
// "connecting" or "close" with a Baileys DisconnectReason (401 logged out,
// 403 forbidden, 428 connection closed...).
func ConnectionUpdate(instance, state string, statusReason int) []byte {
	return envelopeHook("connection.update", instance, map[string]any{
		"instance": instance, "state": state, "statusReason": statusReason,
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("evolutiontest: " + err.Error()) // only our own, always encodable values
	}
	return string(b)
}
