package ui

import (
	"context"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store/importer"
)

// Importer copies a live Redis into the store and releases what it held;
// *importer.Importer is one. The admin routes answer 501 when it is nil.
type Importer interface {
	// Import copies req's source and translates its BullMQ jobs into held
	// messages; errors are *store.Error for a bad or unreachable source.
	Import(ctx context.Context, req importer.Request) (*importer.Result, error)
	// Cutover releases the held messages and returns how many.
	Cutover(ctx context.Context) (int, error)
}

var adminRoutes = []route{
	{http.MethodPost, "/v1/admin/import"},
	{http.MethodPost, "/v1/admin/cutover"},
}

func (s *Server) registerAdmin() {
	if s.opts.Importer == nil {
		s.notImplementedRoutes(adminRoutes...)
		return
	}
	s.handle(http.MethodPost, "/v1/admin/import", s.adminImport)
	s.handle(http.MethodPost, "/v1/admin/cutover", s.adminCutover)
}

// adminImport runs the whole import inside the request, so the answer is
// its result (after its progress, when the client asked for it: see
// streamed); a client that hangs up cancels it between SCAN pages, keeping
// what was copied (a second import finishes it without duplicates).
func (s *Server) adminImport(r *http.Request, _ httprouter.Params) (any, error) {
	var req importer.Request
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.URL == "" {
		return nil, badRequest("url", "is required: the Redis to import, such as redis://host:6379")
	}
	return streamed{func(ctx context.Context) (any, error) {
		res, err := s.opts.Importer.Import(ctx, req)
		if err != nil {
			return nil, err
		}
		s.log.Info("import done", "keys", res.Keys, "jobs", res.Jobs, "messages", res.Messages, "skipped", res.Skipped)
		return res, nil
	}}, nil
}

type cutoverReply struct {
	Released int `json:"released"`
}

func (s *Server) adminCutover(*http.Request, httprouter.Params) (any, error) {
	return streamed{func(ctx context.Context) (any, error) {
		n, err := s.opts.Importer.Cutover(ctx)
		if err != nil {
			return nil, err
		}
		s.log.Info("cutover done", "released", n)
		return cutoverReply{Released: n}, nil
	}}, nil
}
