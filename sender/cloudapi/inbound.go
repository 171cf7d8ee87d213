package cloudapi

import (
	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/sender"
)

// inbound is one value.messages[] item: what a contact wrote.
type inbound struct {
	From      string   `json:"from"` // digits, no plus
	ID        string   `json:"id"`
	Timestamp unixTime `json:"timestamp"`
	Type      string   `json:"type"`
	Text      *struct {
		Body string `json:"body"`
	} `json:"text"`
	Image    *caption `json:"image"`
	Video    *caption `json:"video"`
	Document *caption `json:"document"`
	Button   *struct {
		Text string `json:"text"` // a template's quick-reply button
	} `json:"button"`
	Interactive *struct {
		ButtonReply *title `json:"button_reply"`
		ListReply   *title `json:"list_reply"`
	} `json:"interactive"`
	Context *struct {
		ID string `json:"id"`
	} `json:"context"`
}

type caption struct {
	Caption string `json:"caption"`
}

type title struct {
	Title string `json:"title"`
}

func (m inbound) event(instance string) sender.GatewayEvent {
	ev := sender.GatewayEvent{
		Kind: sender.EventInbound, Source: source, Name: "messages", Instance: instance,
		At: m.Timestamp.Time, GatewayID: m.ID, Type: m.Type, Text: m.text(),
	}
	if from, err := phone.FromWhatsApp(m.From); err == nil { // a wa_id: digits with their country code
		ev.From = from
	}
	if m.Context != nil {
		ev.ReplyTo = m.Context.ID
	}
	return ev
}

// text is what the contact typed or chose, kept for opt-out keywords ("STOP"
// may come as a text, a caption or a button).
func (m inbound) text() string {
	switch {
	case m.Text != nil:
		return m.Text.Body
	case m.Button != nil:
		return m.Button.Text
	case m.Interactive != nil && m.Interactive.ButtonReply != nil:
		return m.Interactive.ButtonReply.Title
	case m.Interactive != nil && m.Interactive.ListReply != nil:
		return m.Interactive.ListReply.Title
	}
	for _, c := range []*caption{m.Image, m.Video, m.Document} {
		if c != nil {
			return c.Caption
		}
	}
	return ""
}
