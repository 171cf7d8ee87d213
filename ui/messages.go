package ui

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/store"
)

// Limits the API adds to those of store.
const (
	KeyMax      = store.KeyMax             // bytes of idempotency_key, campaign and instance
	ScheduleMax = 5 * 365 * 24 * time.Hour // how far ahead send_at and delay may reach
)

// messageRequest is what a client may say of a new message: the client
// fields of the design's message object, plus delay. A server-set field
// (id, status, attempts, ...) is an unknown field.
type messageRequest struct {
	To               string          `json:"to"`
	Type             string          `json:"type"`
	Text             string          `json:"text"`
	Media            *store.Media    `json:"media"`
	Template         *store.Template `json:"template"`
	Priority         store.Priority  `json:"priority"`
	SendAt           string          `json:"send_at"`
	Delay            string          `json:"delay"`
	MaxAttempts      *int            `json:"max_attempts"`
	Campaign         string          `json:"campaign"`
	Instance         string          `json:"instance"`
	IdempotencyKey   string          `json:"idempotency_key"`
	Metadata         map[string]any  `json:"metadata"`
	CallbackURL      string          `json:"callback_url"`
	FallbackTemplate *store.Template `json:"fallback_template"`
}

// enqueue answers POST /v1/messages: 201 with the new message, or 200 with
// the first one when its idempotency key (body field or Idempotency-Key
// header) was seen before.
func (s *Server) enqueue(r *http.Request, _ httprouter.Params) (any, error) {
	var req messageRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	switch key := r.Header.Get("Idempotency-Key"); {
	case key == "" || key == req.IdempotencyKey:
	case req.IdempotencyKey == "":
		req.IdempotencyKey = key
	default:
		return nil, store.FieldErrorf("idempotency_key", "differs from the Idempotency-Key header")
	}
	m, err := s.message(&req)
	if err != nil {
		return nil, err
	}
	stored, created, err := s.store.Enqueue(m)
	if err != nil {
		return nil, err
	}
	// Appended by hand and written as is: json.Marshal would reflect, or
	// scan the Marshaler's output once more (docs/benchmarks.md).
	b, err := stored.AppendJSON(make([]byte, 0, 1024))
	if err != nil {
		return nil, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return reply{status, rawJSON(b)}, nil
}

// bulkRequest is the body of POST /v1/messages/bulk. Its items are decoded
// one by one, so that an error can say which item it is about.
type bulkRequest struct {
	Messages []jsontext.Value `json:"messages"`
}

// enqueueBulk answers POST /v1/messages/bulk: 201 {"ids": [...]} with every
// message stored, or an error with none stored: EBADREQUEST with items for
// malformed items, EINVALID with items for invalid ones, EINVALID on field
// messages for an empty or oversized list. An Idempotency-Key header makes
// the request repeatable: item i without its own key gets "<header>#<i>".
func (s *Server) enqueueBulk(r *http.Request, _ httprouter.Params) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	ms, err := s.bulkFast(body, r.Header.Get("Idempotency-Key"))
	if err != nil {
		ms, err = s.bulkSlow(body, r.Header.Get("Idempotency-Key"))
	}
	if err != nil {
		return nil, err
	}
	ids, err := s.store.EnqueueBulk(ms)
	if err != nil {
		return nil, err
	}
	return reply{http.StatusCreated, map[string][]string{"ids": ids}}, nil
}

// bulkFast decodes a bulk body in one pass, as a well-formed request is.
// It returns any error at all as is: bulkSlow then finds every bad item.
func (s *Server) bulkFast(body []byte, key string) ([]*store.Message, error) {
	var req struct {
		Messages []messageRequest `json:"messages"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return nil, err
	}
	if err := bulkSize(len(req.Messages)); err != nil {
		return nil, err
	}
	ms := make([]*store.Message, len(req.Messages))
	for i := range req.Messages {
		if req.Messages[i].IdempotencyKey == "" && key != "" {
			req.Messages[i].IdempotencyKey = fmt.Sprintf("%s#%d", key, i)
		}
		m, err := s.message(&req.Messages[i])
		if err != nil {
			return nil, err
		}
		ms[i] = m
	}
	return ms, nil
}

// bulkSlow decodes a bulk body item by item, so that its error names
// every malformed or invalid item.
func (s *Server) bulkSlow(body []byte, key string) ([]*store.Message, error) {
	var req bulkRequest
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, store.Errorf(EBADREQUEST, "the request body is empty; this route takes a JSON object")
	}
	if err := decodeStrict(body, &req); err != nil {
		return nil, asItemError(aboutBody(err))
	}
	if err := bulkSize(len(req.Messages)); err != nil {
		return nil, err
	}
	return s.bulkMessages(req.Messages, key)
}

func bulkSize(n int) error {
	switch {
	case n == 0:
		return store.FieldErrorf("messages", "must hold at least one message")
	case n > store.BulkMax:
		return store.FieldErrorf("messages", "holds %d messages; the most is %d", n, store.BulkMax)
	}
	return nil
}

func (s *Server) bulkMessages(raws []jsontext.Value, key string) ([]*store.Message, error) {
	ms := make([]*store.Message, len(raws))
	var malformed, invalid []store.ItemError
	for i, raw := range raws {
		var req messageRequest
		if err := decodeStrict(raw, &req); err != nil {
			malformed = append(malformed, itemError(i, err))
			continue
		}
		if req.IdempotencyKey == "" && key != "" {
			req.IdempotencyKey = fmt.Sprintf("%s#%d", key, i)
		}
		m, err := s.message(&req)
		if err != nil {
			invalid = append(invalid, itemError(i, err))
			continue
		}
		ms[i] = m
	}
	switch {
	case len(malformed) > 0:
		return nil, &store.Error{Code: EBADREQUEST, Message: "some messages are malformed; none was stored", Items: malformed}
	case len(invalid) > 0:
		return nil, &store.Error{Code: store.EINVALID, Message: "some messages are invalid; none was stored", Items: invalidItems(ms, invalid)}
	}
	return ms, nil
}

// asItemError turns an error the whole body's decoding found inside one
// message (a name given twice, invalid UTF-8: "messages.3.to") into the
// items error that the item's own decoding would have given.
func asItemError(err error) error {
	var e *store.Error
	if !errors.As(err, &e) {
		return err
	}
	rest, ok := strings.CutPrefix(e.Field, "messages.")
	if !ok {
		return err
	}
	index, field, _ := strings.Cut(rest, ".")
	i, convErr := strconv.Atoi(index)
	if convErr != nil {
		return err
	}
	return &store.Error{Code: e.Code, Message: "some messages are malformed; none was stored",
		Items: []store.ItemError{{Index: i, Field: field, Message: e.Message}}}
}

// invalidItems adds to the items the API found invalid those the store
// would refuse, so that one answer names every bad item. Only a refused
// request pays for this: a valid one is validated once, by the store.
func invalidItems(ms []*store.Message, invalid []store.ItemError) []store.ItemError {
	for i, m := range ms {
		if m != nil {
			if err := m.Validate(); err != nil {
				invalid = append(invalid, itemError(i, err))
			}
		}
	}
	slices.SortFunc(invalid, func(a, b store.ItemError) int { return a.Index - b.Index })
	return invalid
}

func itemError(i int, err error) store.ItemError {
	var e *store.Error
	if errors.As(err, &e) {
		return store.ItemError{Index: i, Field: e.Field, Message: e.Message}
	}
	return store.ItemError{Index: i, Message: "cannot be read"}
}

// message turns a request into a message with the defaults filled in. It
// returns an EINVALID *store.Error naming the first bad field among those
// only the API checks (times, max_attempts, key lengths); the store
// validates the rest when it stores the message.
func (s *Server) message(req *messageRequest) (*store.Message, error) {
	m := &store.Message{To: req.To, Type: req.Type, Text: req.Text, Media: req.Media, Template: req.Template,
		Priority: req.Priority, Campaign: req.Campaign, Instance: req.Instance, IdempotencyKey: req.IdempotencyKey,
		Metadata: req.Metadata, CallbackURL: req.CallbackURL, FallbackTemplate: req.FallbackTemplate}
	var err error
	if m.To, err = phone.Normalize(req.To, s.opts.DefaultRegion); err != nil {
		return nil, store.FieldErrorf("to", "%v", err)
	}
	if m.SendAt, err = s.sendAt(req.SendAt, req.Delay); err != nil {
		return nil, err
	}
	if m.MaxAttempts, err = s.maxAttempts(req.MaxAttempts); err != nil {
		return nil, err
	}
	if m.Priority == "" {
		m.Priority = store.Normal
	}
	if m.Type == "" {
		m.Type = inferType(m)
	}
	return m, nil
}

// inferType is the store's rule for a message that names no type.
func inferType(m *store.Message) string {
	switch {
	case m.Media != nil:
		return store.TypeMedia
	case m.Template != nil:
		return store.TypeTemplate
	}
	return store.TypeText
}

// sendAt returns when a message is due from its send_at (RFC 3339) or its
// delay (a Go duration from now), or nil to send it now. It returns an
// EINVALID *store.Error for a bad value, for both at once, and for a time
// beyond ScheduleMax.
func (s *Server) sendAt(sendAt, delay string) (*time.Time, error) {
	now := s.now()
	var at time.Time
	switch {
	case sendAt != "" && delay != "":
		return nil, store.FieldErrorf("delay", "cannot be given with send_at; give one of them")
	case sendAt != "":
		t, err := time.Parse(time.RFC3339, sendAt)
		if err != nil {
			return nil, store.FieldErrorf("send_at", "must be an RFC 3339 time such as 2026-11-26T10:00:00Z")
		}
		at = t
	case delay != "":
		d, err := duration("delay", delay)
		if err != nil {
			return nil, err
		}
		at = now.Add(d)
	default:
		return nil, nil
	}
	if at.After(now.Add(ScheduleMax)) {
		field := "delay"
		if sendAt != "" {
			field = "send_at"
		}
		return nil, store.FieldErrorf(field, "reaches further ahead than %d days", ScheduleMax/(24*time.Hour))
	}
	return &at, nil
}

// maxAttempts returns the max_attempts of a new message: the client's, else
// the server's MaxAttempts (0 leaves the store's default).
func (s *Server) maxAttempts(n *int) (int, error) {
	switch {
	case n == nil:
		return s.opts.MaxAttempts, nil
	case *n < 1:
		return 0, store.FieldErrorf("max_attempts", "must be between 1 and 100")
	}
	return *n, nil
}

// getMessage answers GET /v1/messages/{id} with the message and its status
// history, or ENOTFOUND.
func (s *Server) getMessage(_ *http.Request, p httprouter.Params) (any, error) {
	return s.store.Message(p.ByName("id"))
}

// cancelMessage answers DELETE /v1/messages/{id} with the cancelled
// message. It returns ENOTFOUND for an unknown id and ECONFLICT unless the
// message is queued, scheduled or retrying.
func (s *Server) cancelMessage(_ *http.Request, p httprouter.Params) (any, error) {
	return s.store.Cancel(p.ByName("id"))
}
