package evolution

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

// parseOne parses body, which must yield exactly one event.
func parseOne(t *testing.T, body []byte) sender.GatewayEvent {
	t.Helper()
	evs, err := ParseWebhook(body)
	if err != nil || len(evs) != 1 {
		t.Fatalf("ParseWebhook(%s) = %v, %v; want one event", body, evs, err)
	}
	return evs[0]
}

func TestParseWebhookStatus(t *testing.T) {
	f := func(status string, wantKind sender.EventKind, wantStatus store.Status, wantReason string) {
		t.Helper()
		got := parseOne(t, evolutiontest.StatusUpdate("sales-1", "3EB0AAA", status))
		want := sender.GatewayEvent{Kind: wantKind, Source: "evolution", Name: "messages.update", Instance: "sales-1",
			GatewayID: "3EB0AAA", Status: wantStatus, RawStatus: status, Reason: wantReason}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", status, got, want)
		}
	}
	f("SERVER_ACK", sender.EventStatus, store.Sent, "")
	f("DELIVERY_ACK", sender.EventStatus, store.Delivered, "")
	f("READ", sender.EventStatus, store.Read, "")
	f("PLAYED", sender.EventStatus, store.Read, "")
	f("ERROR", sender.EventStatus, store.Failed, "evolution: status ERROR")
	f("SENT", sender.EventStatus, store.Sent, "") // WHATSAPP-BUSINESS instances use Meta's words
	f("DELIVERED", sender.EventStatus, store.Delivered, "")
	f("FAILED", sender.EventStatus, store.Failed, "evolution: status FAILED")
	f("PENDING", sender.EventOther, "", "")
	f("DELETED", sender.EventOther, "", "")
	f("EDITED", sender.EventOther, "", "")
}

func TestParseWebhookStatusShapes(t *testing.T) {
	f := func(data string, want ...sender.GatewayEvent) {
		t.Helper()
		got, err := ParseWebhook([]byte(`{"event":"messages.update","instance":"i","date_time":"2025-09-24T21:37:57.432Z","data":` + data + `}`))
		for i := range want {
			want[i].Source, want[i].Name, want[i].Instance = "evolution", "messages.update", "i"
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("data %s:\n got %+v, %v\nwant %+v", data, got, err, want)
		}
	}
	read := func(id string) sender.GatewayEvent {
		return sender.GatewayEvent{Kind: sender.EventStatus, GatewayID: id, Status: store.Read, RawStatus: "READ"}
	}
	f(`{"key":{"id":"K1","fromMe":true},"status":"READ"}`, read("K1")) // key.id when keyId is missing
	f(`[{"keyId":"K1","fromMe":true,"status":"READ"},{"keyId":"K2","fromMe":true,"status":"READ"}]`, read("K1"), read("K2"))
	f(`{"keyId":"K1","fromMe":false,"status":"READ"}`, sender.GatewayEvent{GatewayID: "K1", RawStatus: "READ"}) // an inbound message's update
	f(`{"keyId":"K1","fromMe":true,"status":3}`, sender.GatewayEvent{Kind: sender.EventStatus, GatewayID: "K1", Status: store.Delivered, RawStatus: "DELIVERY_ACK"})
	f(`{"keyId":"K1","fromMe":true,"status":"read"}`, sender.GatewayEvent{Kind: sender.EventStatus, GatewayID: "K1", Status: store.Read, RawStatus: "read"})
	f(`{"fromMe":true,"status":"READ"}`, sender.GatewayEvent{RawStatus: "READ"}) // no id: nothing to apply it to
	f(`"odd"`, sender.GatewayEvent{})
	f(`null`, sender.GatewayEvent{})
}

func TestParseWebhookInbound(t *testing.T) {
	f := func(data string, want sender.GatewayEvent) {
		t.Helper()
		got := parseOne(t, []byte(`{"event":"messages.upsert","instance":"i","data":`+data+`}`))
		want.Source, want.Name, want.Instance = "evolution", "messages.upsert", "i"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("data %s:\n got %+v\nwant %+v", data, got, want)
		}
	}
	at := time.Unix(1773027345, 0).UTC()
	in := func(from, typ, text, replyTo string) sender.GatewayEvent {
		return sender.GatewayEvent{Kind: sender.EventInbound, GatewayID: "3A5F", From: from, Type: typ, Text: text, ReplyTo: replyTo, At: at}
	}
	f(`{"key":{"remoteJid":"5511988887777@s.whatsapp.net","fromMe":false,"id":"3A5F","remoteJidAlt":"1371@lid","addressingMode":"pn"},
		"pushName":"Rodrigo","status":"DELIVERY_ACK","message":{"conversation":"Oi","messageContextInfo":{}},
		"contextInfo":null,"messageType":"conversation","messageTimestamp":1773027345,"source":"android"}`,
		in("+5511988887777", "text", "Oi", ""))
	f(`{"key":{"remoteJid":"1371@lid","fromMe":false,"id":"3A5F","remoteJidAlt":"5511988887777@s.whatsapp.net"},
		"message":{"conversation":"Oi"},"messageType":"conversation","messageTimestamp":"1773027345"}`,
		in("+5511988887777", "text", "Oi", ""))
	f(`{"key":{"remoteJid":"1371@lid","fromMe":false,"id":"3A5F"},"message":{"conversation":"Oi"},
		"messageType":"conversation","messageTimestamp":{"low":1773027345,"high":0,"unsigned":true}}`,
		in("1371@lid", "text", "Oi", ""))
	f(`{"key":{"remoteJid":"5511988887777:4@s.whatsapp.net","fromMe":false,"id":"3A5F"},
		"message":{"imageMessage":{"url":"https://mmg.whatsapp.net/x","caption":"look","contextInfo":{"stanzaId":"3EB0REPLY"}}},
		"contextInfo":{"stanzaId":"3EB0REPLY"},"messageType":"imageMessage","messageTimestamp":1773027345}`,
		in("+5511988887777", "image", "look", "3EB0REPLY"))
	f(`{"key":{"remoteJid":"5511988887777@s.whatsapp.net","fromMe":false,"id":"3A5F"},
		"message":{"extendedTextMessage":{"text":"STOP","contextInfo":{"stanzaId":"3EB0X"}}},"messageType":"extendedTextMessage","messageTimestamp":1773027345}`,
		in("+5511988887777", "text", "STOP", "3EB0X"))
	for typ, want := range map[string]string{"videoMessage": "video", "audioMessage": "audio", "documentMessage": "document",
		"stickerMessage": "sticker", "locationMessage": "locationMessage"} {
		f(`{"key":{"remoteJid":"5511988887777@s.whatsapp.net","fromMe":false,"id":"3A5F"},"message":{"`+typ+`":{}},
			"messageType":"`+typ+`","messageTimestamp":1773027345}`, in("+5511988887777", want, "", ""))
	}
	// A LID whose phone jid holds no possible number stays the LID.
	f(`{"key":{"remoteJid":"1371@lid","fromMe":false,"id":"3A5F","remoteJidAlt":"12@s.whatsapp.net"},
		"message":{"conversation":"Oi"},"messageType":"conversation","messageTimestamp":1773027345}`,
		in("1371@lid", "text", "Oi", ""))
	// A phone jid no number plan allows is no contact: "+12" is not made up.
	f(`{"key":{"remoteJid":"12@s.whatsapp.net","fromMe":false,"id":"3A5F"},"message":{"conversation":"hi"},"messageType":"conversation"}`,
		sender.GatewayEvent{GatewayID: "3A5F"})
	// Not inbound from a contact: typed on the business phone, a group.
	f(`{"key":{"remoteJid":"5511988887777@s.whatsapp.net","fromMe":true,"id":"3A5F"},"message":{"conversation":"hi"},"messageType":"conversation"}`,
		sender.GatewayEvent{GatewayID: "3A5F"})
	f(`{"key":{"remoteJid":"120363025@g.us","fromMe":false,"id":"3A5F","participant":"5511988887777@s.whatsapp.net"},"message":{"conversation":"hi"}}`,
		sender.GatewayEvent{GatewayID: "3A5F"})
}

func TestParseWebhookInboundBuilders(t *testing.T) {
	f := func(body []byte, wantFrom, wantText, wantReplyTo string) {
		t.Helper()
		got := parseOne(t, body)
		if got.Kind != sender.EventInbound || got.GatewayID != "3A5F" || got.From != wantFrom || got.Type != "text" ||
			got.Text != wantText || got.ReplyTo != wantReplyTo || time.Since(got.At) > time.Minute {
			t.Errorf("got %+v, want inbound from %s %q replying to %q", got, wantFrom, wantText, wantReplyTo)
		}
	}
	f(evolutiontest.Inbound("i", "3A5F", "5511988887777@s.whatsapp.net", "Oi"), "+5511988887777", "Oi", "")
	f(evolutiontest.Inbound("i", "3A5F", "+5511988887777", "Oi"), "+5511988887777", "Oi", "")
	f(evolutiontest.Inbound("i", "3A5F", "1371@lid", "Oi"), "1371@lid", "Oi", "")
	f(evolutiontest.InboundReply("i", "3A5F", "5511988887777@s.whatsapp.net", "BAJA", "3EB0ORIG"), "+5511988887777", "BAJA", "3EB0ORIG")
}

func TestParseWebhookConnection(t *testing.T) {
	f := func(body string, want sender.GatewayEvent) {
		t.Helper()
		got := parseOne(t, []byte(body))
		want.Source, want.Instance = "evolution", "sales-1"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", body, got, want)
		}
	}
	conn := func(connected, terminal bool, code int) sender.GatewayEvent {
		return sender.GatewayEvent{Kind: sender.EventConnection, Name: "connection.update", Connected: connected, Terminal: terminal, Code: code}
	}
	f(string(evolutiontest.ConnectionUpdate("sales-1", "open", 200)), conn(true, false, 200))
	f(string(evolutiontest.ConnectionUpdate("sales-1", "close", 428)), conn(false, false, 428))
	for _, code := range []int{401, 402, 403, 406} {
		f(string(evolutiontest.ConnectionUpdate("sales-1", "close", code)), conn(false, true, code))
	}
	f(string(evolutiontest.ConnectionUpdate("sales-1", "connecting", 200)), sender.GatewayEvent{Name: "connection.update"})
	f(`{"event":"logout.instance","instance":"sales-1","data":{"instance":"sales-1"}}`,
		sender.GatewayEvent{Kind: sender.EventConnection, Name: "logout.instance", Terminal: true})
	f(`{"event":"status.instance","instance":"sales-1","data":{"instance":"sales-1","status":"closed","disconnectionReasonCode":403,"disconnectionAt":"2025-09-24T21:37:57.432Z"}}`,
		sender.GatewayEvent{Kind: sender.EventConnection, Name: "status.instance", Terminal: true, Code: 403})
	f(`{"event":"status.instance","instance":"sales-1","data":{"instance":"sales-1","status":"created"}}`,
		sender.GatewayEvent{Name: "status.instance"})
	f(`{"event":"CONNECTION_UPDATE","instance":"sales-1","data":{"state":"open","statusReason":200}}`,
		sender.GatewayEvent{Kind: sender.EventConnection, Name: "CONNECTION_UPDATE", Connected: true, Code: 200})
	f(`{"event":"connection.update","data":{"instance":"sales-1","state":"close","statusReason":"401"}}`,
		conn(false, true, 401)) // the instance from data when the envelope lacks it
}

func TestParseWebhookOther(t *testing.T) {
	f := func(body string, wantNames ...string) {
		t.Helper()
		evs, err := ParseWebhook([]byte(body))
		if err != nil || len(evs) != len(wantNames) {
			t.Fatalf("ParseWebhook(%s) = %v, %v; want %d events", body, evs, err, len(wantNames))
		}
		for i, ev := range evs {
			if ev.Kind != sender.EventOther || ev.Name != wantNames[i] || ev.Source != "evolution" {
				t.Errorf("event %d = %+v, want other %q", i, ev, wantNames[i])
			}
		}
	}
	f(`{"event":"send.message","instance":"i","data":{"key":{"remoteJid":"5511@s.whatsapp.net","fromMe":true,"id":"3EB0"},"status":"PENDING"}}`, "send.message")
	f(`{"event":"presence.update","instance":"i","data":{}}`, "presence.update")
	f(`{"event":"qrcode.updated","instance":"i"}`, "qrcode.updated")
	f(`[{"event":"chats.update","instance":"i","data":[]},{"event":"contacts.upsert","instance":"i","data":[]}]`, "chats.update", "contacts.upsert")
}

func TestParseWebhookArray(t *testing.T) {
	body := "[" + string(evolutiontest.StatusUpdate("i", "K1", "DELIVERY_ACK")) + "," +
		string(evolutiontest.Inbound("i", "K2", "+34600111222", "hola")) + "]"
	evs, err := ParseWebhook([]byte(body))
	if err != nil || len(evs) != 2 || evs[0].Kind != sender.EventStatus || evs[1].Kind != sender.EventInbound {
		t.Errorf("ParseWebhook(array) = %+v, %v; want a status then an inbound", evs, err)
	}
}

func TestParseWebhookErrors(t *testing.T) {
	f := func(body, wantPart string) {
		t.Helper()
		evs, err := ParseWebhook([]byte(body))
		if !errors.Is(err, ErrWebhook) || !strings.Contains(err.Error(), wantPart) || evs != nil {
			t.Errorf("ParseWebhook(%q) = %v, %v; want ErrWebhook naming %q", body, evs, err, wantPart)
		}
	}
	f(``, "not a JSON envelope")
	f(`<html>`, "not a JSON envelope")
	f(`{"event":`, "not a JSON envelope")
	f(`"messages.update"`, "not a JSON envelope")
	f(`{"event":5}`, "not a JSON envelope")
	f(`null`, `no "event"`)
	f(`{"instance":"i","data":{}}`, `no "event"`)
	f(`[]`, "empty array")
	f(`[{"event":"messages.update"},{}]`, `no "event"`)
	f(`[1]`, "not a JSON array")
}
