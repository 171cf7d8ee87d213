package cloudapi

import (
	"fmt"
	"strings"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// message is the body of POST /{phone-number-id}/messages. Exactly one of
// the content fields is set, the one named by Type.
type message struct {
	Product       string    `json:"messaging_product"` // always "whatsapp"
	RecipientType string    `json:"recipient_type"`    // always "individual"
	To            string    `json:"to"`                // digits only, as Meta's own clients send it
	Type          string    `json:"type"`
	Text          *text     `json:"text,omitempty"`
	Image         *media    `json:"image,omitempty"`
	Video         *media    `json:"video,omitempty"`
	Audio         *media    `json:"audio,omitempty"`
	Document      *media    `json:"document,omitempty"`
	Template      *template `json:"template,omitempty"`
}

type text struct {
	Body string `json:"body"`
	// PreviewURL is false so that a link in a bulk message does not make
	// WhatsApp fetch it once per recipient.
	PreviewURL bool `json:"preview_url"`
}

type media struct {
	Link     string `json:"link"`
	Caption  string `json:"caption,omitempty"`  // not for audio
	Filename string `json:"filename,omitempty"` // documents only
}

type template struct {
	Name       string   `json:"name"`
	Language   language `json:"language"`
	Components []any    `json:"components,omitempty"`
}

type language struct {
	Code string `json:"code"`
}

// payload builds the request body for m. It returns a Permanent
// *sender.SendError when m cannot be expressed as a Cloud API message.
func payload(m *store.Message) (*message, error) {
	switch m.Type {
	case store.TypeText:
		p := envelope(m.To, store.TypeText)
		p.Text = &text{Body: m.Text}
		return p, nil
	case store.TypeMedia:
		return mediaPayload(m.To, m.Media)
	case store.TypeTemplate:
		return templatePayload(m.To, m.Template, "template")
	}
	return nil, invalid("message type %q: must be text, media or template", m.Type)
}

func envelope(to, typ string) *message {
	return &message{Product: "whatsapp", RecipientType: "individual", To: strings.TrimPrefix(to, "+"), Type: typ}
}

func mediaPayload(to string, md *store.Media) (*message, error) {
	if md == nil || md.URL == "" {
		return nil, invalid("media message without a media url")
	}
	p := envelope(to, md.Kind)
	body := &media{Link: md.URL, Caption: md.Caption}
	switch md.Kind {
	case "image":
		p.Image = body
	case "video":
		p.Video = body
	case "audio":
		body.Caption = "" // WhatsApp rejects a caption on audio
		p.Audio = body
	case "document":
		body.Filename = md.Filename
		p.Document = body
	default:
		return nil, invalid("media kind %q: must be image, video, audio or document", md.Kind)
	}
	return p, nil
}

// templatePayload builds a template send; field names the message field
// the template came from, for the error.
func templatePayload(to string, t *store.Template, field string) (*message, error) {
	if t == nil || t.Name == "" || t.Language == "" {
		return nil, invalid("%s: needs a name and a language", field)
	}
	p := envelope(to, store.TypeTemplate)
	p.Template = &template{Name: t.Name, Language: language{Code: t.Language}, Components: t.Components}
	return p, nil
}

func invalid(format string, args ...any) error {
	return &sender.SendError{Kind: sender.Permanent, Reason: "cloudapi: " + fmt.Sprintf(format, args...)}
}
