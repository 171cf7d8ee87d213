package ui

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store"
)

// sendNowRequest is the body of POST /v1/messages/send-now.
type sendNowRequest struct {
	IDs []string `json:"ids"`
}

// sendNowReply is its answer: how many were queued and which ids were
// left alone, with their state or "not_found".
type sendNowReply struct {
	Queued  int             `json:"queued"`
	Skipped []store.Skipped `json:"skipped"`
}

// sendNow answers POST /v1/messages/send-now: the scheduled and retrying
// messages among ids are queued at once, in one commit. An id of a message
// in another state, or of none, is skipped rather than failing the others,
// so the page can send a selection whose states moved meanwhile. It returns
// an EBADREQUEST *store.Error for a malformed body and an EINVALID one for
// no ids, more than store.BulkMax or an empty id; nothing changes then.
func (s *Server) sendNow(r *http.Request, _ httprouter.Params) (any, error) {
	var req sendNowRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	n, skipped, err := s.store.SendNow(req.IDs)
	if err != nil {
		return nil, err
	}
	return sendNowReply{Queued: n, Skipped: skipped}, nil
}
