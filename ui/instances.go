package ui

import (
	"context"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/sender/fleet"
)

// InstanceAdmin keeps the WhatsApp numbers waq sends from (*fleet.Fleet).
type InstanceAdmin interface {
	List() ([]fleet.View, error)
	Get(name string) (fleet.View, error)
	Put(ctx context.Context, name string, b fleet.Body) (fleet.View, error)
	Delete(name string) error
}

// instanceList is the answer of GET /v1/instances.
type instanceList struct {
	Instances []fleet.View `json:"instances"`
}

func (s *Server) registerInstances() {
	if s.opts.Fleet == nil {
		s.notImplementedRoutes(route{http.MethodGet, "/v1/instances"}, route{http.MethodGet, "/v1/instances/:name"},
			route{http.MethodPut, "/v1/instances/:name"}, route{http.MethodDelete, "/v1/instances/:name"})
		return
	}
	s.handle(http.MethodGet, "/v1/instances", s.listInstances)
	s.handle(http.MethodGet, "/v1/instances/:name", s.getInstance)
	s.handle(http.MethodPut, "/v1/instances/:name", s.putInstance)
	s.handle(http.MethodDelete, "/v1/instances/:name", s.deleteInstance)
}

// listInstances answers GET /v1/instances with every instance, secrets
// masked.
func (s *Server) listInstances(*http.Request, httprouter.Params) (any, error) {
	vs, err := s.opts.Fleet.List()
	if err != nil {
		return nil, err
	}
	if vs == nil {
		vs = []fleet.View{}
	}
	return instanceList{vs}, nil
}

func (s *Server) getInstance(_ *http.Request, p httprouter.Params) (any, error) {
	return s.opts.Fleet.Get(p.ByName("name"))
}

// putInstance answers PUT /v1/instances/{name}: 200 with the instance, 422
// for bad input or credentials the gateway refuses.
func (s *Server) putInstance(r *http.Request, p httprouter.Params) (any, error) {
	var b fleet.Body
	if err := decodeBody(r, &b); err != nil {
		return nil, err
	}
	return s.opts.Fleet.Put(r.Context(), p.ByName("name"), b)
}

// deleteInstance answers DELETE /v1/instances/{name} with {"deleted": name}.
func (s *Server) deleteInstance(_ *http.Request, p httprouter.Params) (any, error) {
	if err := s.opts.Fleet.Delete(p.ByName("name")); err != nil {
		return nil, err
	}
	return map[string]string{"deleted": p.ByName("name")}, nil
}
