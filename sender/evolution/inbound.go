package evolution

import (
	"cmp"
	"encoding/json"
	"strings"
	"time"

	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/sender"
)

// Suffixes of WhatsApp jids.
const (
	jidPhone = "@s.whatsapp.net" // a phone number
	jidLID   = "@lid"            // a privacy id, not a phone number
)

// messageTypes maps Evolution's messageType to GatewayEvent.Type; others are kept raw.
var messageTypes = map[string]string{
	"conversation":        "text",
	"extendedTextMessage": "text",
	"imageMessage":        "image",
	"videoMessage":        "video",
	"audioMessage":        "audio",
	"documentMessage":     "document",
	"stickerMessage":      "sticker",
}

// contentKeys are the message keys that carry text, caption or contextInfo,
// in the order they are looked at.
var contentKeys = []string{"extendedTextMessage", "imageMessage", "videoMessage",
	"documentMessage", "audioMessage", "stickerMessage"}

// upsert is a messages.upsert data object (prepareMessage).
type upsert struct {
	Key struct {
		RemoteJid    string `json:"remoteJid"`
		RemoteJidAlt string `json:"remoteJidAlt"`
		ID           string `json:"id"`
		FromMe       bool   `json:"fromMe"`
	} `json:"key"`
	Message          map[string]json.RawMessage `json:"message"`
	MessageType      string                     `json:"messageType"`
	MessageTimestamp json.RawMessage            `json:"messageTimestamp"`
	ContextInfo      *contextInfo               `json:"contextInfo"`
}

type contextInfo struct {
	StanzaID string `json:"stanzaId"`
}

// content is the part of a message.<type> object waq reads.
type content struct {
	Text        string       `json:"text"`
	Caption     string       `json:"caption"`
	ContextInfo *contextInfo `json:"contextInfo"`
}

// inboundEvent parses one messages.upsert item. Messages typed on the
// business phone (fromMe) and group or broadcast messages stay EventOther.
func inboundEvent(raw json.RawMessage, ev sender.GatewayEvent) sender.GatewayEvent {
	var u upsert
	if json.Unmarshal(raw, &u) != nil {
		return ev
	}
	ev.GatewayID = u.Key.ID
	from, ok := contact(u.Key.RemoteJid, u.Key.RemoteJidAlt)
	if u.Key.FromMe || !ok || u.Key.ID == "" {
		return ev
	}
	ev.Kind, ev.From = sender.EventInbound, from
	ev.Type = u.kind()
	ev.Text, ev.ReplyTo = u.text()
	if n, ok := number(u.MessageTimestamp); ok && n > 0 {
		ev.At = time.Unix(n, 0).UTC()
	}
	return ev
}

// contact returns who wrote: the E.164 number of a phone jid; for a LID, the
// number of the phone jid Evolution gives beside it (remoteJidAlt) or else
// the LID itself, never a number made of its digits. It reports false for
// groups, broadcasts, channels and phone jids no number plan allows.
func contact(jid, alt string) (string, bool) {
	switch {
	case strings.HasSuffix(jid, jidPhone):
		return phoneNumber(jid)
	case strings.HasSuffix(jid, jidLID) && strings.HasSuffix(alt, jidPhone):
		if n, ok := phoneNumber(alt); ok {
			return n, true
		}
		return jid, true
	case strings.HasSuffix(jid, jidLID):
		return jid, true
	}
	return "", false
}

// phoneNumber turns "34600111222:3@s.whatsapp.net" into "+34600111222".
func phoneNumber(jid string) (string, bool) {
	n, err := phone.FromWhatsApp(jid)
	return n, err == nil
}

// kind returns the GatewayEvent.Type, from messageType or else the message's keys.
func (u *upsert) kind() string {
	if u.MessageType != "" {
		return cmp.Or(messageTypes[u.MessageType], u.MessageType)
	}
	if _, ok := u.Message["conversation"]; ok {
		return "text"
	}
	for _, k := range contentKeys {
		if _, ok := u.Message[k]; ok {
			return messageTypes[k]
		}
	}
	return ""
}

// text returns the text or caption and the id of the message replied to.
func (u *upsert) text() (text, replyTo string) {
	_ = json.Unmarshal(u.Message["conversation"], &text) // absent for media
	if u.ContextInfo != nil {
		replyTo = u.ContextInfo.StanzaID
	}
	keys := contentKeys
	if _, known := messageTypes[u.MessageType]; !known && u.MessageType != "" {
		keys = append([]string{u.MessageType}, keys...)
	}
	for _, k := range keys {
		var c content
		if json.Unmarshal(u.Message[k], &c) != nil {
			continue
		}
		text = cmp.Or(text, cmp.Or(c.Text, c.Caption))
		if c.ContextInfo != nil {
			replyTo = cmp.Or(replyTo, c.ContextInfo.StanzaID)
		}
	}
	return text, replyTo
}
