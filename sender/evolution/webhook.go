package evolution

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// Source is the GatewayEvent.Source of every event ParseWebhook returns.
const Source = "evolution"

// ErrWebhook is wrapped by ParseWebhook's errors: the body is not JSON or
// has no "event". The receiver answers it with 400, which Evolution does not
// retry; anything else parses, as EventOther at worst.
var ErrWebhook = errors.New("evolution webhook")

// hook is Evolution's webhook envelope (webhook.controller.ts). date_time is
// ignored: it is the server's local time with a "Z".
type hook struct {
	Event    string          `json:"event"`
	Instance string          `json:"instance"`
	Data     json.RawMessage `json:"data"`
}

// ParseWebhook parses one Evolution webhook POST, an envelope or a JSON
// array of envelopes, into events. Events waq does not act on come back as
// EventOther so that they can still be counted. It fails with an error
// wrapping ErrWebhook only when body is not JSON or an envelope has no event.
func ParseWebhook(body []byte) ([]sender.GatewayEvent, error) {
	hooks, err := envelopes(body)
	if err != nil {
		return nil, err
	}
	var out []sender.GatewayEvent
	for _, h := range hooks {
		out = append(out, h.events()...)
	}
	return out, nil
}

func envelopes(body []byte) ([]hook, error) {
	body = bytes.TrimSpace(body)
	var hooks []hook
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &hooks); err != nil {
			return nil, fmt.Errorf("%w: not a JSON array of envelopes: %v", ErrWebhook, err)
		}
	} else {
		var h hook
		if err := json.Unmarshal(body, &h); err != nil {
			return nil, fmt.Errorf("%w: not a JSON envelope: %v", ErrWebhook, err)
		}
		hooks = []hook{h}
	}
	if len(hooks) == 0 {
		return nil, fmt.Errorf("%w: empty array", ErrWebhook)
	}
	for _, h := range hooks {
		if h.Event == "" {
			return nil, fmt.Errorf("%w: no \"event\"", ErrWebhook)
		}
	}
	return hooks, nil
}

// events dispatches on the event name. Names are matched in the payload's
// dotted form; the config's UPPER_SNAKE form is accepted too.
func (h hook) events() []sender.GatewayEvent {
	ev := sender.GatewayEvent{Kind: sender.EventOther, Source: Source, Name: h.Event, Instance: h.Instance}
	switch strings.ReplaceAll(strings.ToLower(h.Event), "_", ".") {
	case "messages.update":
		return each(h.Data, ev, statusEvent)
	case "messages.upsert":
		return each(h.Data, ev, inboundEvent)
	case "connection.update":
		return []sender.GatewayEvent{connectionEvent(h.Data, ev)}
	case "status.instance":
		return []sender.GatewayEvent{instanceStatusEvent(h.Data, ev)}
	case "logout.instance":
		ev.Kind, ev.Terminal = sender.EventConnection, true
	}
	return []sender.GatewayEvent{ev}
}

// each parses data, an object or an array of objects, one event per object.
// Data of another shape yields ev unchanged.
func each(data json.RawMessage, ev sender.GatewayEvent, parse func(json.RawMessage, sender.GatewayEvent) sender.GatewayEvent) []sender.GatewayEvent {
	data = bytes.TrimSpace(data)
	items := []json.RawMessage{data}
	if len(data) > 0 && data[0] == '[' && json.Unmarshal(data, &items) != nil {
		items = nil
	}
	var out []sender.GatewayEvent
	for _, it := range items {
		if it = bytes.TrimSpace(it); len(it) > 0 && it[0] == '{' {
			out = append(out, parse(it, ev))
		}
	}
	if len(out) == 0 {
		return []sender.GatewayEvent{ev}
	}
	return out
}

// statuses maps Baileys' and Meta's (uppercased) status words.
var statuses = map[string]store.Status{
	"SERVER_ACK": store.Sent, "SENT": store.Sent,
	"DELIVERY_ACK": store.Delivered, "DELIVERED": store.Delivered,
	"READ": store.Read, "PLAYED": store.Read,
	"ERROR": store.Failed, "FAILED": store.Failed,
}

// baileysStatus names Baileys' numeric WAMessageStatus (renderStatus.ts).
var baileysStatus = []string{"ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED"}

// statusEvent parses one messages.update item. Updates of inbound messages
// (fromMe false) are not ours and stay EventOther.
func statusEvent(raw json.RawMessage, ev sender.GatewayEvent) sender.GatewayEvent {
	var u struct {
		KeyID  string          `json:"keyId"`
		FromMe *bool           `json:"fromMe"`
		Status json.RawMessage `json:"status"`
		Key    struct {
			ID     string `json:"id"`
			FromMe *bool  `json:"fromMe"`
		} `json:"key"`
	}
	if json.Unmarshal(raw, &u) != nil {
		return ev
	}
	ev.GatewayID = cmp.Or(u.KeyID, u.Key.ID)
	ev.RawStatus = statusWord(u.Status)
	fromMe := u.FromMe
	if fromMe == nil {
		fromMe = u.Key.FromMe
	}
	st, ok := statuses[strings.ToUpper(ev.RawStatus)]
	if !ok || ev.GatewayID == "" || (fromMe != nil && !*fromMe) {
		return ev
	}
	ev.Kind, ev.Status = sender.EventStatus, st
	if st == store.Failed {
		ev.Reason = "evolution: status " + ev.RawStatus
	}
	return ev
}

// statusWord reads a status given as a word or as Baileys' number.
func statusWord(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if n, ok := number(raw); ok && n >= 0 && n < int64(len(baileysStatus)) {
		return baileysStatus[n]
	}
	return ""
}

// terminalCodes are the close reasons after which Evolution does not
// reconnect (codesToNotReconnect): logged out, banned or blocked.
var terminalCodes = map[int64]bool{401: true, 402: true, 403: true, 406: true}

// connectionEvent parses connection.update: open and close are connection
// events, connecting is EventOther.
func connectionEvent(raw json.RawMessage, ev sender.GatewayEvent) sender.GatewayEvent {
	var d struct {
		Instance     string          `json:"instance"`
		State        string          `json:"state"`
		StatusReason json.RawMessage `json:"statusReason"`
	}
	if json.Unmarshal(raw, &d) != nil {
		return ev
	}
	ev.Instance = cmp.Or(ev.Instance, d.Instance)
	code, _ := number(d.StatusReason)
	switch d.State {
	case StateOpen:
		ev.Kind, ev.Connected, ev.Code = sender.EventConnection, true, int(code)
	case StateClose:
		ev.Kind, ev.Code, ev.Terminal = sender.EventConnection, int(code), terminalCodes[code]
	}
	return ev
}

// instanceStatusEvent parses status.instance, which Evolution sends with
// status "closed" when it gave up reconnecting.
func instanceStatusEvent(raw json.RawMessage, ev sender.GatewayEvent) sender.GatewayEvent {
	var d struct {
		Instance string          `json:"instance"`
		Status   string          `json:"status"`
		Code     json.RawMessage `json:"disconnectionReasonCode"`
	}
	if json.Unmarshal(raw, &d) != nil || d.Status != "closed" {
		return ev
	}
	code, _ := number(d.Code)
	ev.Instance = cmp.Or(ev.Instance, d.Instance)
	ev.Kind, ev.Terminal, ev.Code = sender.EventConnection, true, int(code)
	return ev
}

// number reads an integer given as a JSON number, a string of digits, or a
// protobuf Long {"low":n}.
func number(raw json.RawMessage) (int64, bool) {
	var f float64
	if json.Unmarshal(raw, &f) == nil {
		return int64(f), true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return n, err == nil
	}
	var long struct {
		Low  *int64 `json:"low"`
		High int64  `json:"high"`
	}
	if json.Unmarshal(raw, &long) == nil && long.Low != nil {
		return long.High<<32 | int64(uint32(*long.Low)), true
	}
	return 0, false
}
