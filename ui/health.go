package ui

import (
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store"
)

// health is the answer of GET /healthz.
type health struct {
	Status    string     `json:"status"` // "ok" while the process serves: alerts do not fail liveness
	Version   string     `json:"version"`
	Paused    bool       `json:"paused"`
	Instances []Instance `json:"instances"`
	Alerts    []alert    `json:"alerts"`
}

// alert is something an operator should look at.
type alert struct {
	Kind     string `json:"kind"` // no_gateway, queue_paused, instance_paused, disk_full
	Instance string `json:"instance,omitempty"`
	Message  string `json:"message"`
}

// healthz answers GET /healthz, without authentication: 200 while the
// process serves, with the instances and the alerts (the data disk full, no
// gateway, sending paused, an instance paused by a gateway failure).
func (s *Server) healthz(*http.Request, httprouter.Params) (any, error) {
	h := &health{Status: "ok", Version: s.opts.Version, Instances: s.instances(), Alerts: []alert{}}
	if h.Version == "" {
		h.Version = "dev"
	}
	if since, full := s.store.DiskFull(); full {
		h.Alerts = append(h.Alerts, alert{Kind: "disk_full", Message: diskFullMessage(since)})
	}
	if len(h.Instances) == 0 { // no instance is enabled, or none is defined
		h.Alerts = append(h.Alerts, alert{Kind: "no_gateway", Message: "no gateway is configured: messages wait (set WAQ_GATEWAY, or PUT /v1/instances/{name})"})
	}
	if p, err := s.store.Paused(); err == nil && p {
		h.Paused = true
		h.Alerts = append(h.Alerts, alert{Kind: "queue_paused", Message: "sending is paused (POST /v1/queue/resume restarts it)"})
	}
	for _, in := range h.Instances {
		if in.State == "paused" {
			h.Alerts = append(h.Alerts, alert{Kind: "instance_paused", Instance: in.Name, Message: "paused: " + in.PausedReason})
		}
	}
	return h, nil
}

var errStoreDown = store.Errorf(store.EUNAVAILABLE, "the store does not answer")

// diskFullMessage says what a full data disk does and what to do about it.
func diskFullMessage(since time.Time) string {
	return "the data disk is full since " + since.UTC().Format(time.RFC3339) +
		": new messages are refused (507 disk_full) and sends cannot be recorded; free space on it and waq goes on by itself"
}

// readyz answers GET /readyz, without authentication: 200 {"status":
// "ready"} when the store answers a read and its disk is not full, else an
// EUNAVAILABLE error (503) that says why, as it is once SetStopping was
// called.
func (s *Server) readyz(*http.Request, httprouter.Params) (any, error) {
	if s.stopping.Load() {
		return nil, store.Errorf(store.EUNAVAILABLE, "waq is stopping")
	}
	if since, full := s.store.DiskFull(); full {
		return nil, store.Errorf(store.EUNAVAILABLE, "%s", diskFullMessage(since))
	}
	if _, err := s.store.Paused(); err != nil {
		return nil, fmt.Errorf("%w: %w", errStoreDown, err) // the log gets both, the client the first
	}
	return map[string]string{"status": "ready"}, nil
}

// backup answers GET /v1/backup with a consistent snapshot of the data file,
// streamed as waq-<UTC time>.db.
func (s *Server) backup(*http.Request, httprouter.Params) (any, error) {
	name := "waq-" + s.now().UTC().Format("20060102T150405Z") + ".db"
	return download{name: name, write: func(w io.Writer) error {
		_, err := s.store.Backup(w)
		return err
	}}, nil
}

//go:embed openapi.json
var openapiDoc []byte

// openapi answers GET /v1/openapi.json with the OpenAPI 3 description of
// this API.
func (s *Server) openapi(*http.Request, httprouter.Params) (any, error) {
	return rawJSON(openapiDoc), nil
}
