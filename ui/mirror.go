package ui

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/progress"
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
// source that cannot be followed. A client that asks for progress (see
// streamed) is then told of the first sync until the mirror caught up
// (see followMirror).
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
	if !wantsProgress(r) {
		return mirrorReply{Status: st}, nil
	}
	return streamed{func(ctx context.Context) (any, error) { return s.followMirror(ctx), nil }}, nil
}

// mirrorPoll is how often followMirror reads the mirror's status.
const mirrorPoll = 250 * time.Millisecond

// followMirror reports the mirror's first sync (connect, load with the keys
// loaded, catch_up with the stream bytes applied of those the source had
// when streaming began) until it caught up with the source (streaming, no
// lag), stopped or failed, or the client left; the mirror goes on in the
// background either way. It returns the status at that moment.
func (s *Server) followMirror(ctx context.Context) mirrorReply {
	t := time.NewTicker(mirrorPoll)
	defer t.Stop()
	base := int64(-1) // the offset when streaming began
	for {
		st, keys, _ := s.opts.Mirror.Status()
		reply := mirrorReply{Status: st, Keys: keys}
		switch st.State {
		case mirror.StateStopped, mirror.StateFailed:
			return reply
		case mirror.StateLoading:
			progress.Report(ctx, progress.PhaseLoad, keys, 0)
		case mirror.StateStreaming:
			if base < 0 {
				base = st.Offset
			}
			progress.Report(ctx, progress.PhaseCatchUp, st.Offset-base, max(st.SourceOffset, st.Offset)-base)
			if st.SourceOffset > 0 && st.LagBytes == 0 {
				return reply
			}
		default:
			progress.Report(ctx, progress.PhaseConnect, 0, 0)
		}
		select {
		case <-ctx.Done():
			return reply
		case <-t.C:
		}
	}
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
