package store

import (
	"errors"
	"slices"
	"time"

	"github.com/waqhq/waq/phone"
)

// Limits of a new message that the design leaves to waq.
const (
	BulkMax        = 1000                     // messages one bulk enqueue or import commit takes
	ScheduleMax    = 5 * 365 * 24 * time.Hour // how far ahead send_at and delay may reach
	MaxAttemptsMax = 100                      // the most max_attempts a message may ask for
)

// Draft is what a client (POST /v1/messages) or an import says of a new
// message: the client fields of the design's message object, when to send
// it as the client wrote it (send_at, or delay from now), and max_attempts
// when given. A server-set field (id, status, attempts, ...) is not here, so
// a strict JSON decoder refuses it as an unknown field.
type Draft struct {
	To               string         `json:"to"`
	Type             string         `json:"type"`
	Text             string         `json:"text"`
	Media            *Media         `json:"media"`
	Template         *Template      `json:"template"`
	Priority         Priority       `json:"priority"`
	SendAt           string         `json:"send_at"`
	Delay            string         `json:"delay"`
	Within           string         `json:"within"` // with send_at "best": how far ahead to look (intake_best.go)
	MaxAttempts      *int           `json:"max_attempts"`
	Campaign         string         `json:"campaign"`
	Instance         string         `json:"instance"`
	IdempotencyKey   string         `json:"idempotency_key"`
	Metadata         map[string]any `json:"metadata"`
	CallbackURL      string         `json:"callback_url"`
	FallbackTemplate *Template      `json:"fallback_template"`
	Vars             Vars           `json:"vars"` // fill the {{name}} placeholders of the campaign's variant (variant.go)
}

// Intake is the one place a new message gets its defaults and its checks,
// for the HTTP API and the importer alike: the number read into E.164, the
// send time, max_attempts, the priority and the type when left out, then
// Validate. The zero value reads every number with its country code and
// gives MaxAttemptsDefault.
type Intake struct {
	Region      string           // country of numbers without a country code (WAQ_DEFAULT_REGION); "" requires the code
	MaxAttempts int              // max_attempts of a draft that gives none (WAQ_RETRY_MAX+1); MaxAttemptsDefault when 0
	Now         func() time.Time // when a delay starts; time.Now when nil
	Variants    VariantsFunc     // a campaign's variants (see variant.go); none when nil
	BestHour    BestHourFunc     // answers send_at "best"; nil refuses it (intake_best.go)
}

// Message returns the message d describes, with its defaults filled in and
// checked as the store will check it. It returns an EINVALID *Error naming
// the first bad field; for a bad number, errors.As also finds the
// *phone.Error that says why.
func (in *Intake) Message(d *Draft) (*Message, error) {
	m := &Message{Type: d.Type, Text: d.Text, Media: d.Media, Template: d.Template,
		Priority: d.Priority, Campaign: d.Campaign, Instance: d.Instance, IdempotencyKey: d.IdempotencyKey,
		Metadata: d.Metadata, CallbackURL: d.CallbackURL, FallbackTemplate: d.FallbackTemplate}
	var err error
	if m.To, err = phone.Normalize(d.To, in.Region); err != nil {
		return nil, &causeError{FieldErrorf("to", "%v", err), err}
	}
	if d.SendAt == SendAtBest || d.Within != "" {
		err = in.best(d, m)
	} else {
		m.SendAt, err = in.sendAt(d.SendAt, d.Delay)
	}
	if err != nil {
		return nil, err
	}
	if m.MaxAttempts, err = in.maxAttempts(d.MaxAttempts); err != nil {
		return nil, err
	}
	if err := in.variant(m, d.Vars); err != nil {
		return nil, err
	}
	if err := m.complete(); err != nil {
		return nil, err
	}
	return m, nil
}

// Messages returns the messages of one bulk request's drafts, or an
// EINVALID *Error whose Items name every bad draft (from ItemErrors). An
// empty list and one over BulkMax are refused on the field messages.
func (in *Intake) Messages(ds []Draft) ([]*Message, error) {
	if err := CheckBulk(len(ds)); err != nil {
		return nil, err
	}
	ms := make([]*Message, len(ds))
	var items []ItemError
	for i := range ds {
		m, err := in.Message(&ds[i])
		if err != nil {
			items = append(items, ItemErrorOf(i, err))
		}
		ms[i] = m
	}
	if len(items) > 0 {
		return nil, InvalidItems(items)
	}
	return ms, nil
}

// CheckBulk refuses, on the field messages, a bulk request of no message or
// of more than BulkMax.
func CheckBulk(n int) error {
	switch {
	case n == 0:
		return FieldErrorf("messages", "must hold at least one message")
	case n > BulkMax:
		return FieldErrorf("messages", "holds %d messages; the most is %d", n, BulkMax)
	}
	return nil
}

// ItemErrorOf names the field err is about for item i of a bulk request;
// an error without a field or code reads "cannot be read".
func ItemErrorOf(i int, err error) ItemError {
	var e *Error
	if errors.As(err, &e) {
		return ItemError{Index: i, Field: e.Field, Message: e.Message}
	}
	return ItemError{Index: i, Message: "cannot be read"}
}

// InvalidItems is the EINVALID answer to a bulk request with bad items:
// none of its messages is stored. Items are sorted by index.
func InvalidItems(items []ItemError) *Error {
	slices.SortStableFunc(items, func(a, b ItemError) int { return a.Index - b.Index })
	return &Error{Code: EINVALID, Message: "some messages are invalid; none was stored", Items: items}
}

// complete fills the defaults of a message that leaves them out and checks
// it: the one rule for both an Intake and a Store's writers.
func (m *Message) complete() error {
	if m.Type == "" {
		m.Type = inferType(m)
	}
	if m.Priority == "" {
		m.Priority = Normal
	}
	if m.MaxAttempts == 0 {
		m.MaxAttempts = MaxAttemptsDefault
	}
	return m.Validate()
}

// inferType is the type of a message that names none: what it carries.
func inferType(m *Message) string {
	switch {
	case m.Media != nil:
		return TypeMedia
	case m.Template != nil:
		return TypeTemplate
	}
	return TypeText
}

// SendType is the type m goes out as: SentAs when the gateway sent
// something else (a fallback template), else its type.
func (m *Message) SendType() string {
	switch {
	case m.SentAs != "":
		return m.SentAs
	case m.Type != "":
		return m.Type
	}
	return inferType(m)
}

// sendAt returns when a message is due from its send_at (RFC 3339) or its
// delay (a Go duration from now), or nil to send it now. It returns an
// EINVALID *Error for a bad value, for both at once, and for a time beyond
// ScheduleMax.
func (in *Intake) sendAt(sendAt, delay string) (*time.Time, error) {
	if sendAt == "" && delay == "" {
		return nil, nil
	}
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	t0 := now()
	field, at := "send_at", time.Time{}
	switch {
	case sendAt != "" && delay != "":
		return nil, FieldErrorf("delay", "cannot be given with send_at; give one of them")
	case sendAt != "":
		t, err := time.Parse(time.RFC3339, sendAt)
		if err != nil {
			return nil, FieldErrorf("send_at", "must be an RFC 3339 time such as 2026-11-26T10:00:00Z")
		}
		at = t
	default:
		d, err := time.ParseDuration(delay)
		if err != nil || d < 0 {
			return nil, FieldErrorf("delay", "must be a duration such as 90s, 15m or 24h, not negative")
		}
		field, at = "delay", t0.Add(d)
	}
	if at.After(t0.Add(ScheduleMax)) {
		return nil, FieldErrorf(field, "reaches further ahead than %d days", ScheduleMax/(24*time.Hour))
	}
	return &at, nil
}

// maxAttempts returns the max_attempts of a new message: the draft's, else
// the Intake's (0 leaves MaxAttemptsDefault to complete).
func (in *Intake) maxAttempts(n *int) (int, error) {
	switch {
	case n == nil:
		return in.MaxAttempts, nil
	case *n < 1: // above MaxAttemptsMax, Validate says the same
		return 0, FieldErrorf("max_attempts", "must be between 1 and %d", MaxAttemptsMax)
	}
	return *n, nil
}

// causeError is an *Error that keeps the error it reports, so that a caller
// can tell a WhatsApp id from a mistyped number (phone.ErrNotPhone).
type causeError struct {
	e     *Error
	cause error
}

func (c *causeError) Error() string   { return c.e.Error() }
func (c *causeError) Unwrap() []error { return []error{c.e, c.cause} }
