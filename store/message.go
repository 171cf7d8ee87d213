package store

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/waqhq/waq/phone"
)

// Limits of a message, from the design.
const (
	TextMax            = 4096                // characters of text or caption
	RetryMaxDefault    = 3                   // retries after the first try (WAQ_RETRY_MAX)
	MaxAttemptsDefault = RetryMaxDefault + 1 // the first try and RetryMaxDefault retries
	HistoryMax         = 50                  // status changes kept per message
)

// Sizes Validate allows, so that no field of a message can grow an index
// key or a record past what an operator would expect of it.
const (
	KeyMax              = 256  // bytes of idempotency_key, campaign and instance, which key indexes
	URLMax              = 2048 // bytes of callback_url and media.url
	FilenameMax         = 255  // bytes of media.filename
	TemplateNameMax     = 512  // bytes of a template's name (Meta's limit)
	TemplateLanguageMax = 32   // bytes of a template's language code ("es", "pt_BR")
	MetadataKeysMax     = 64   // keys of metadata
	MetadataKeyMax      = 256  // bytes of one metadata key
)

// Priority orders the ready queue: the sender always takes the oldest message
// of the highest non-empty priority.
type Priority string

const (
	Critical Priority = "critical"
	High     Priority = "high"
	Normal   Priority = "normal"
	Low      Priority = "low"
)

// Priorities lists the priorities from the highest down.
var Priorities = []Priority{Critical, High, Normal, Low}

// rank returns the index of p in Priorities, or -1.
func (p Priority) rank() int {
	for i, q := range Priorities {
		if p == q {
			return i
		}
	}
	return -1
}

// Status is a state of the message lifecycle.
type Status string

const (
	Queued    Status = "queued"    // ready to send
	Scheduled Status = "scheduled" // send_at in the future
	Sending   Status = "sending"   // leased by the sender
	Retrying  Status = "retrying"  // failed, waiting for its backoff
	Sent      Status = "sent"      // accepted by the gateway
	Delivered Status = "delivered"
	Read      Status = "read"
	Failed    Status = "failed" // accepted, then reported undeliverable
	Dead      Status = "dead"   // in the dead-letter queue
	Cancelled Status = "cancelled"
	Held      Status = "held" // imported, waiting for cutover
)

// Statuses lists every state, in lifecycle order.
var Statuses = []Status{Queued, Scheduled, Sending, Retrying, Sent, Delivered, Read, Failed, Dead, Cancelled, Held}

func (s Status) code() byte {
	for i, t := range Statuses {
		if s == t {
			return byte(i)
		}
	}
	return 0xff
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return s.code() != 0xff }

// Message types.
const (
	TypeText     = "text"
	TypeMedia    = "media"
	TypeTemplate = "template"
)

// Message is one WhatsApp message and where it is in its lifecycle.
type Message struct {
	ID               string         `json:"id"`
	To               string         `json:"to"`
	Type             string         `json:"type"`
	Text             string         `json:"text,omitempty"`
	Media            *Media         `json:"media,omitempty"`
	Template         *Template      `json:"template,omitempty"`
	Priority         Priority       `json:"priority"`
	Status           Status         `json:"status"`
	Attempts         int            `json:"attempts"`
	MaxAttempts      int            `json:"max_attempts"`
	SendAt           *time.Time     `json:"send_at,omitempty"`
	NextAttemptAt    *time.Time     `json:"next_attempt_at,omitempty"`
	CreatedAt        time.Time      `json:"created_at"`
	UpdatedAt        time.Time      `json:"updated_at"`
	SentAt           *time.Time     `json:"sent_at,omitempty"`
	DeliveredAt      *time.Time     `json:"delivered_at,omitempty"`
	ReadAt           *time.Time     `json:"read_at,omitempty"`
	LeaseUntil       *time.Time     `json:"lease_until,omitempty"`
	LastError        string         `json:"last_error,omitempty"`
	GatewayMessageID string         `json:"gateway_message_id,omitempty"`
	Campaign         string         `json:"campaign,omitempty"`
	Instance         string         `json:"instance,omitempty"`
	IdempotencyKey   string         `json:"idempotency_key,omitempty"`
	Metadata         map[string]any `json:"metadata,omitempty"`
	CallbackURL      string         `json:"callback_url,omitempty"`
	FallbackTemplate *Template      `json:"fallback_template,omitempty"`
	SentAs           string         `json:"sent_as,omitempty"`
	Variant          string         `json:"variant,omitempty"`  // the campaign variant it got at intake
	TriedBy          string         `json:"tried_by,omitempty"` // the instance of its latest try; Instance stays the pin
	History          []Change       `json:"history,omitempty"`

	firstNote string // the note of its first history entry, from its Intake (why send_at "best" chose its time)
}

// Media is the attachment of a media message.
type Media struct {
	URL      string `json:"url"`
	Kind     string `json:"kind"` // image, video, audio, document
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

// Template is a pre-approved WhatsApp template and its parameters.
type Template struct {
	Name       string `json:"name"`
	Language   string `json:"language"`
	Components []any  `json:"components"`
}

// Change is one entry of a message's status history.
type Change struct {
	Status Status    `json:"status"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// due returns when a scheduled or retrying message is to be queued.
func (m *Message) due() time.Time {
	// A scheduled message has next_attempt_at only when the sender's pacing
	// deferred it (Defer); then that is when it may go.
	if (m.Status == Retrying || m.Status == Scheduled) && m.NextAttemptAt != nil {
		return *m.NextAttemptAt
	}
	if m.SendAt != nil {
		return *m.SendAt
	}
	return m.CreatedAt
}

// setStatus moves m to st at t and records the change in its history.
func (m *Message) setStatus(st Status, t time.Time, note string) {
	m.Status = st
	m.UpdatedAt = t
	m.History = append(m.History, Change{Status: st, At: t, Note: note})
	if n := len(m.History); n > HistoryMax {
		// a new array: the message this one was copied from (a
		// transition's Before) keeps its history as it was
		h := append(make([]Change, 0, HistoryMax), m.History[0])
		m.History = append(h, m.History[n-HistoryMax+1:]...)
	}
}

// ValidPhone reports whether s is an E.164 number: a plus sign and 7 to 15
// digits, the first not zero. Callers turn what clients write into that
// form, checked against the number plans, with phone.Normalize first.
func ValidPhone(s string) bool { return phone.IsE164(s) }

var mediaKinds = map[string]bool{"image": true, "video": true, "audio": true, "document": true}

// Validate checks a message a client asks to enqueue. It returns an EINVALID
// *Error naming the first bad field.
func (m *Message) Validate() error {
	if !ValidPhone(m.To) {
		return FieldErrorf("to", "must be an E.164 phone number such as +34600111222")
	}
	if m.Priority.rank() < 0 {
		return FieldErrorf("priority", "must be one of critical, high, normal, low")
	}
	if m.MaxAttempts < 0 || m.MaxAttempts > MaxAttemptsMax {
		return FieldErrorf("max_attempts", "must be between 1 and %d", MaxAttemptsMax)
	}
	if err := m.validateKeys(); err != nil {
		return err
	}
	if m.CallbackURL != "" {
		if err := validURL("callback_url", m.CallbackURL, "http", "https"); err != nil {
			return err
		}
	}
	if err := validTemplate("fallback_template", m.FallbackTemplate); err != nil {
		return err
	}
	if err := m.validateContent(); err != nil {
		return err
	}
	return m.validateCarried()
}

// validateKeys checks the fields that become index keys, and metadata.
// Invalid UTF-8 is refused because encoding would turn it into U+FFFD, and
// two different keys would then meet.
func (m *Message) validateKeys() error {
	for _, f := range [...]struct{ name, v string }{{"idempotency_key", m.IdempotencyKey}, {"campaign", m.Campaign}, {"instance", m.Instance}} {
		switch {
		case len(f.v) > KeyMax:
			return FieldErrorf(f.name, "is longer than %d bytes", KeyMax)
		case !utf8.ValidString(f.v):
			return FieldErrorf(f.name, "holds invalid UTF-8")
		}
	}
	if len(m.Metadata) > MetadataKeysMax {
		return FieldErrorf("metadata", "has %d keys; the most is %d", len(m.Metadata), MetadataKeysMax)
	}
	for k := range m.Metadata {
		if len(k) > MetadataKeyMax {
			return FieldErrorf("metadata", "has a key longer than %d bytes", MetadataKeyMax)
		}
	}
	return nil
}

func (m *Message) validateContent() error {
	switch m.Type {
	case TypeText:
		if m.Text == "" {
			return FieldErrorf("text", "is required for a text message")
		}
		if utf8.RuneCountInString(m.Text) > TextMax {
			return FieldErrorf("text", "is longer than %d characters", TextMax)
		}
	case TypeMedia:
		return validMedia(m.Media)
	case TypeTemplate:
		if m.Template == nil {
			return FieldErrorf("template", "is required for a template message")
		}
		return validTemplate("template", m.Template)
	default:
		return FieldErrorf("type", "must be one of text, media, template")
	}
	return nil
}

// validateCarried refuses content that m's type does not send, which the
// sender would otherwise drop without a word.
func (m *Message) validateCarried() error {
	switch {
	case m.Text != "" && m.Type != TypeText:
		return FieldErrorf("text", "is only for a text message; a media message takes media.caption")
	case m.Media != nil && m.Type != TypeMedia:
		return FieldErrorf("media", "is only for a media message")
	case m.Template != nil && m.Type != TypeTemplate:
		return FieldErrorf("template", "is only for a template message; a text or media message may carry a fallback_template")
	}
	return nil
}

// validMedia checks the attachment of a media message: WhatsApp fetches it
// by its https URL, and its kind says how it is sent.
func validMedia(md *Media) error {
	if md == nil {
		return FieldErrorf("media", "is required for a media message")
	}
	if err := validURL("media.url", md.URL, "https"); err != nil {
		return err
	}
	switch {
	case !mediaKinds[md.Kind]:
		return FieldErrorf("media.kind", "must be one of image, video, audio, document")
	case utf8.RuneCountInString(md.Caption) > TextMax:
		return FieldErrorf("media.caption", "is longer than %d characters", TextMax)
	case len(md.Filename) > FilenameMax:
		return FieldErrorf("media.filename", "is longer than %d bytes", FilenameMax)
	}
	return nil
}

func validTemplate(field string, t *Template) error {
	switch {
	case t == nil:
		return nil
	case t.Name == "":
		return FieldErrorf(field+".name", "is required")
	case len(t.Name) > TemplateNameMax:
		return FieldErrorf(field+".name", "is longer than %d bytes", TemplateNameMax)
	case t.Language == "":
		return FieldErrorf(field+".language", "is required")
	case len(t.Language) > TemplateLanguageMax:
		return FieldErrorf(field+".language", "is longer than %d bytes", TemplateLanguageMax)
	}
	return nil
}

// validURL checks that s is an absolute URL with one of schemes and a host,
// at most URLMax bytes. It returns an EINVALID *Error about field.
func validURL(field, s string, schemes ...string) error {
	if len(s) > URLMax {
		return FieldErrorf(field, "is longer than %d bytes", URLMax)
	}
	u, err := url.Parse(s)
	if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" {
		return FieldErrorf(field, "must be an %s URL", strings.Join(schemes, " or "))
	}
	return nil
}
