package ui

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store"
)

// enqueue answers POST /v1/messages: 201 with the new message, or 200 with
// the first one when its idempotency key (body field or Idempotency-Key
// header) was seen before.
func (s *Server) enqueue(r *http.Request, _ httprouter.Params) (any, error) {
	var req store.Draft
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
	m, err := s.intake.Message(&req)
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
		Messages []store.Draft `json:"messages"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return nil, err
	}
	for i := range req.Messages {
		bulkKey(&req.Messages[i], key, i)
	}
	return s.intake.Messages(req.Messages)
}

// bulkKey gives item i of a bulk request without its own idempotency key
// the request's Idempotency-Key header, made the item's: "<header>#<i>".
func bulkKey(d *store.Draft, key string, i int) {
	if d.IdempotencyKey == "" && key != "" {
		d.IdempotencyKey = fmt.Sprintf("%s#%d", key, i)
	}
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
	if err := store.CheckBulk(len(req.Messages)); err != nil {
		return nil, err
	}
	return s.bulkMessages(req.Messages, key)
}

func (s *Server) bulkMessages(raws []jsontext.Value, key string) ([]*store.Message, error) {
	ds := make([]store.Draft, len(raws))
	var malformed []store.ItemError
	for i, raw := range raws {
		if err := decodeStrict(raw, &ds[i]); err != nil {
			malformed = append(malformed, store.ItemErrorOf(i, err))
		}
		bulkKey(&ds[i], key, i)
	}
	if len(malformed) > 0 {
		return nil, &store.Error{Code: EBADREQUEST, Message: "some messages are malformed; none was stored", Items: malformed}
	}
	return s.intake.Messages(ds)
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
