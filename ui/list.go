package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/store"
)

// list is the shape of a page of messages. NextCursor is left out on the
// last page.
type list struct {
	Messages   []*store.Message `json:"messages"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// listMessages answers GET /v1/messages, newest first, filtered by the
// query's status, campaign and to, paged by limit and cursor. It returns an
// EINVALID *store.Error naming a bad parameter.
func (s *Server) listMessages(r *http.Request, _ httprouter.Params) (any, error) {
	q := r.URL.Query()
	f, err := s.filter(q)
	if err != nil {
		return nil, err
	}
	f.Status = store.Status(q.Get("status"))
	return s.page(f)
}

// listDead answers GET /v1/dlq: the dead messages, newest death first, with
// their last error; filters and paging as for GET /v1/messages but status.
func (s *Server) listDead(r *http.Request, _ httprouter.Params) (any, error) {
	f, err := s.filter(r.URL.Query())
	if err != nil {
		return nil, err
	}
	f.Status = store.Dead
	return s.page(f)
}

// page reads one page. Messages in lists come without their history, which
// GET /v1/messages/{id} gives.
func (s *Server) page(f store.Filter) (any, error) {
	ms, next, err := s.store.Messages(f)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		m.History = nil
	}
	if ms == nil {
		ms = []*store.Message{}
	}
	return list{Messages: ms, NextCursor: next}, nil
}

// filter reads the campaign, instance, to, limit and cursor parameters of
// a list. Other parameters are ignored. It returns an EINVALID
// *store.Error.
func (s *Server) filter(q url.Values) (store.Filter, error) {
	f := store.Filter{Campaign: q.Get("campaign"), Instance: q.Get("instance"), Cursor: q.Get("cursor")}
	if to := q.Get("to"); to != "" {
		var err error
		if f.To, err = s.number(to); err != nil {
			return f, store.FieldErrorf("to", "%v (write + as %%2B in a URL)", err)
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.ListLimitMax {
			return f, store.FieldErrorf("limit", "must be a number between 1 and %d", store.ListLimitMax)
		}
		f.Limit = n
	}
	return f, nil
}

// number reads a number a client wrote in a query or a path as POST takes
// it (phone.Normalize in the server's region). A raw + that a query string
// decoded to a space is only a leading space, which Normalize trims; and
// digits with their country code but no + are read as such.
func (s *Server) number(v string) (string, error) {
	return phone.Normalize(v, s.opts.DefaultRegion)
}
