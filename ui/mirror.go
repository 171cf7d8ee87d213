package ui

import (
	"errors"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/mirror"
)

// Mirror runs one replica of a live Redis in the background of waq serve;
// *mirror.Manager is one. The mirror routes answer 501 when it is nil.
type Mirror interface {
	// Start follows url and returns once the source accepted the replica,
	// or with why not (mirror.ErrRunning, ErrNotRedis, ErrAuth, …).
	Start(url string) (mirror.Status, error)
	// Status returns the current or last mirror's status and key count;
	// false when none ran.
	Status() (mirror.Status, int64, bool)
	// Stop stops the running mirror; false when none runs.
	Stop() bool
}

var mirrorRoutes = []route{
	{http.MethodPost, "/v1/admin/mirror"},
	{http.MethodGet, "/v1/admin/mirror"},
	{http.MethodDelete, "/v1/admin/mirror"},
}

func (s *Server) registerMirror() {
	if s.opts.Mirror == nil {
		s.notImplementedRoutes(mirrorRoutes...)
		return
	}
	s.handle(http.MethodPost, "/v1/admin/mirror", s.startMirror)
	s.handle(http.MethodGet, "/v1/admin/mirror", s.mirrorStatus)
	s.handle(http.MethodDelete, "/v1/admin/mirror", s.stopMirror)
}

// mirrorReply is a mirror's status with the local key count.
type mirrorReply struct {
	mirror.Status
	Keys int64 `json:"keys"`
}

// startMirror answers once the first sync began, so a bad source is an
// error of this request: 409 while one runs, 422 for a bad URL, 503 for a
// source that cannot be followed.
func (s *Server) startMirror(r *http.Request, _ httprouter.Params) (any, error) {
	var req struct {
		URL string `json:"url"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.URL == "" {
		return nil, badRequest("url", "is required: the Redis to follow, such as redis://host:6379")
	}
	st, err := s.opts.Mirror.Start(req.URL)
	switch {
	case errors.Is(err, mirror.ErrRunning):
		return nil, store.Errorf(store.ECONFLICT, "%v", err)
	case err != nil && st.URL == "":
		return nil, store.FieldErrorf("url", "%v", err)
	case err != nil:
		return nil, &store.Error{Code: store.EUNAVAILABLE, Message: err.Error()}
	}
	s.log.Info("mirror started", "url", st.URL)
	return mirrorReply{Status: st}, nil
}

func (s *Server) mirrorStatus(*http.Request, httprouter.Params) (any, error) {
	st, keys, ok := s.opts.Mirror.Status()
	if !ok {
		return nil, store.Errorf(store.ENOTFOUND, "no mirror ran since the server started; POST /v1/admin/mirror starts one")
	}
	return mirrorReply{Status: st, Keys: keys}, nil
}

func (s *Server) stopMirror(*http.Request, httprouter.Params) (any, error) {
	if !s.opts.Mirror.Stop() {
		return nil, store.Errorf(store.ENOTFOUND, "no mirror is running")
	}
	st, keys, _ := s.opts.Mirror.Status()
	s.log.Info("mirror stopped", "url", st.URL, "offset", st.Offset)
	return mirrorReply{Status: st, Keys: keys}, nil
}
