package ui

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store"
)

// retryRequest is the body of POST /v1/dlq/retry; an empty body or {}
// retries every dead message.
type retryRequest struct {
	IDs      []string `json:"ids"`
	Campaign string   `json:"campaign"`
}

// retryDead answers POST /v1/dlq/retry with {"retried": n}: the dead
// messages named by ids (others are skipped), else those of campaign, else
// all of them go back to the queue with fresh attempts. It returns an
// EINVALID *store.Error for ids and campaign together, for an empty ids
// list (which would otherwise mean "all") and for more than BulkMax ids.
func (s *Server) retryDead(r *http.Request, _ httprouter.Params) (any, error) {
	var req retryRequest
	if _, err := decodeOptional(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.IDs != nil && req.Campaign != "":
		return nil, store.FieldErrorf("campaign", "cannot be given with ids; give one of them")
	case req.IDs != nil && len(req.IDs) == 0:
		return nil, store.FieldErrorf("ids", "is empty; leave it out to retry every dead message")
	case len(req.IDs) > store.BulkMax:
		return nil, store.FieldErrorf("ids", "holds %d ids; the most is %d", len(req.IDs), store.BulkMax)
	}
	n, err := s.store.RetryDead(req.IDs, req.Campaign)
	if err != nil {
		return nil, err
	}
	return map[string]int{"retried": n}, nil
}

// deleteDead answers DELETE /v1/dlq/{id} with 200 {"deleted": id}. It
// returns ENOTFOUND for an unknown id and ECONFLICT for a message that is
// not dead.
func (s *Server) deleteDead(_ *http.Request, p httprouter.Params) (any, error) {
	id := p.ByName("id")
	if err := s.store.DeleteDead(id); err != nil {
		return nil, err
	}
	return map[string]string{"deleted": id}, nil
}
