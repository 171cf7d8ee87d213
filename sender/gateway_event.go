package sender

import (
	"time"

	"github.com/waqhq/waq/store"
)

// EventKind says what a gateway's webhook reported.
type EventKind int

const (
	// EventOther is a webhook event waq does not act on (presence, chats,
	// contacts...). It is still counted by source and name.
	EventOther EventKind = iota
	// EventStatus: a message waq sent moved on (sent, delivered, read or
	// failed). GatewayID names it, Status is the new state.
	EventStatus
	// EventInbound: a contact wrote to the instance. GatewayID is the
	// inbound message's own id (for deduplication), From the contact.
	EventInbound
	// EventConnection: the instance connected or lost its connection.
	EventConnection
)

func (k EventKind) String() string {
	switch k {
	case EventStatus:
		return "status"
	case EventInbound:
		return "inbound"
	case EventConnection:
		return "connection"
	}
	return "other"
}

// GatewayEvent is one thing a gateway reported, parsed from its webhook
// body (or made up by the demo gateway), in the form the Receiver applies to
// the store. Parsers fill what their payload has; a zero At means "when it
// was received".
type GatewayEvent struct {
	Kind     EventKind
	Source   string // "evolution", "cloudapi" or "demo"
	Name     string // the gateway's event name: "messages.update", "statuses", ...
	Instance string // Evolution instance name, or the Cloud API phone number id
	At       time.Time

	// EventStatus and EventInbound.
	GatewayID string       // Evolution key.id / keyId; Cloud API wamid
	Status    store.Status // EventStatus: store.Sent, Delivered, Read or Failed
	RawStatus string       // the gateway's own word: "DELIVERY_ACK", "read"...
	Reason    string       // failed: the error, without phone numbers or texts

	// EventInbound.
	From    string // the contact: "+<digits>" when the gateway gave a phone number, else its raw id ("<n>@lid")
	Type    string // "text", "image", "audio", ...
	Text    string // the text or caption, kept for opt-out keywords; never logged
	ReplyTo string // gateway id of the message this one answers, if any

	// EventConnection.
	Connected bool // state open
	// Terminal is true when the gateway will not reconnect by itself
	// (logged out, banned, blocked): only the operator can resume.
	Terminal bool
	Code     int // the gateway's reason code (Evolution statusReason)
}
