package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store"
)

// callbackView is one row of the callback outbox as GET /v1/callbacks shows
// it: every field always present (last_error "" before a failure), so a
// screen can rely on them. event is the transition that caused it (sent,
// drained, ...), status the message's new status the body reports.
type callbackView struct {
	ID            string    `json:"id"` // the webhook-id of its requests
	MessageID     string    `json:"message_id"`
	Event         string    `json:"event"`
	Status        string    `json:"status"`
	URL           string    `json:"url"`
	State         string    `json:"state"` // pending or failing
	Attempts      int       `json:"attempts"`
	CreatedAt     time.Time `json:"created_at"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error"`
}

type callbackList struct {
	Callbacks  []callbackView `json:"callbacks"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// listCallbacks answers GET /v1/callbacks: the outbox oldest first,
// filtered by state (pending: never tried; failing: tried and not
// delivered; absent: both), paged by limit and cursor. It returns an
// EINVALID *store.Error for a bad state, limit or cursor.
func (s *Server) listCallbacks(r *http.Request, _ httprouter.Params) (any, error) {
	state, limit, cursor, err := callbackQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	cs, next, err := s.store.Callbacks(state, cursor, limit)
	if err != nil {
		return nil, err
	}
	out := callbackList{Callbacks: make([]callbackView, len(cs)), NextCursor: next}
	for i, c := range cs {
		out.Callbacks[i] = callbackView{ID: c.ID, MessageID: c.MessageID, Event: string(c.Event), Status: string(c.Status),
			URL: c.URL, State: c.State(), Attempts: c.Attempts, CreatedAt: c.CreatedAt, NextAttemptAt: c.NextAttemptAt,
			LastError: c.LastError}
	}
	return out, nil
}

func callbackQuery(q url.Values) (state string, limit int, cursor string, err error) {
	state, cursor, limit = q.Get("state"), q.Get("cursor"), store.ListLimitDefault
	if state != "" && state != store.CallbackPending && state != store.CallbackFailing {
		return "", 0, "", store.FieldErrorf("state", "must be pending or failing, or absent for both")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.ListLimitMax {
			return "", 0, "", store.FieldErrorf("limit", "must be a number between 1 and %d", store.ListLimitMax)
		}
		limit = n
	}
	if cursor != "" && !strings.HasPrefix(cursor, "cb_") {
		return "", 0, "", store.FieldErrorf("cursor", "is not a next_cursor of this list")
	}
	return state, limit, cursor, nil
}
