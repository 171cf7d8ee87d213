package ui

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store"
)

// Limits of POST /v1/queue/clean.
const (
	CleanLimitDefault = 1000
	CleanLimitMax     = 100000
)

// queueStatus is the answer of GET /v1/queue.
type queueStatus struct {
	Paused     bool       `json:"paused"`
	Counts     ordered    `json:"counts"`      // every state, zeros included
	ByPriority ordered    `json:"by_priority"` // queued messages
	Instances  []Instance `json:"instances"`
	OldestAge  float64    `json:"oldest_queued_age_seconds"`
	// SentLastMinute adds up the instances' sent_last_window, each scaled to
	// one minute when its rate window is another; ThroughputPerMinute is the
	// same rate unrounded.
	SentLastMinute      int     `json:"sent_last_minute"`
	ThroughputPerMinute float64 `json:"throughput_per_minute"`
}

// queue answers GET /v1/queue.
func (s *Server) queue(*http.Request, httprouter.Params) (any, error) {
	c, err := s.store.Counts()
	if err != nil {
		return nil, err
	}
	paused, err := s.store.Paused()
	if err != nil {
		return nil, err
	}
	ins, err := s.queueInstances()
	if err != nil {
		return nil, err
	}
	q := &queueStatus{Paused: paused, Instances: ins}
	for _, st := range store.Statuses {
		q.Counts = append(q.Counts, count{string(st), c.States[st]})
	}
	for _, p := range store.Priorities {
		q.ByPriority = append(q.ByPriority, count{string(p), c.Priorities[p]})
	}
	if !c.OldestQueued.IsZero() {
		q.OldestAge = max(0, math.Round(s.now().Sub(c.OldestQueued).Seconds()*1000)/1000)
	}
	for _, in := range q.Instances {
		q.ThroughputPerMinute += float64(in.SentLastWindow) * float64(time.Minute) / float64(rateWindow(in.Rate))
	}
	q.ThroughputPerMinute = math.Round(q.ThroughputPerMinute*10) / 10
	q.SentLastMinute = int(math.Round(q.ThroughputPerMinute))
	return q, nil
}

// queueInstances returns the instances with their queues, [] when there
// are none; each that has messages waiting on it links to the list of
// those pinned to it.
func (s *Server) queueInstances() ([]Instance, error) {
	ins := s.instances()
	if s.opts.QueueInstances != nil {
		var err error
		if ins, err = s.opts.QueueInstances(); err != nil {
			return nil, err
		}
	}
	out := make([]Instance, len(ins))
	for i, in := range ins {
		if in.Queue != nil && in.Queue.Waiting > 0 {
			q := *in.Queue
			q.List = "/v1/messages?" + url.Values{"status": {"queued"}, "instance": {in.Name}}.Encode()
			in.Queue = &q
		}
		out[i] = in
	}
	return out, nil
}

// instances returns the gateway instances, [] when there are none.
func (s *Server) instances() []Instance {
	var ins []Instance
	if s.opts.Instances != nil {
		ins = s.opts.Instances()
	}
	if ins == nil {
		ins = []Instance{}
	}
	return ins
}

// rateWindow returns the window of a rate such as "80/1m" or "10/2s", and
// one minute for a rate it cannot read.
func rateWindow(rate string) time.Duration {
	_, w, _ := strings.Cut(rate, "/")
	if w != "" && (w[0] < '0' || w[0] > '9') {
		w = "1" + w // "80/m"
	}
	d, err := time.ParseDuration(w)
	if err != nil || d <= 0 {
		return time.Minute
	}
	return d
}

// count is one entry of an ordered object.
type count struct {
	key string
	n   int
}

// ordered is a JSON object of counts that keeps the lifecycle (or priority)
// order, which a person reads more easily than the alphabet.
type ordered []count

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c.key)
		b.Write(k)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(c.n))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// pause answers POST /v1/queue/pause with {"paused": true}. Enqueueing goes on.
func (s *Server) pause(*http.Request, httprouter.Params) (any, error) {
	return s.setPaused(true)
}

// resume answers POST /v1/queue/resume with {"paused": false}.
// It also clears the pauses that gateway failures caused on instances.
func (s *Server) resume(*http.Request, httprouter.Params) (any, error) {
	v, err := s.setPaused(false)
	if err == nil && s.opts.ResumeInstances != nil {
		s.opts.ResumeInstances()
	}
	return v, err
}

func (s *Server) setPaused(p bool) (any, error) {
	if err := s.store.SetPaused(p); err != nil {
		return nil, err
	}
	return map[string]bool{"paused": p}, nil
}

// drain answers POST /v1/queue/drain with {"removed": n}: every queued,
// scheduled and retrying message is cancelled.
func (s *Server) drain(*http.Request, httprouter.Params) (any, error) {
	n, err := s.store.Drain()
	if err != nil {
		return nil, err
	}
	return map[string]int{"removed": n}, nil
}

// cleanRequest is the body of POST /v1/queue/clean.
type cleanRequest struct {
	Status    store.Status `json:"status"`
	OlderThan string       `json:"older_than"`
	Limit     *int         `json:"limit"`
}

// clean answers POST /v1/queue/clean with {"removed": n}: up to limit
// messages in a finished state that entered it more than older_than ago are
// deleted, oldest first. It returns an EINVALID *store.Error naming a
// missing or bad field.
func (s *Server) clean(r *http.Request, _ httprouter.Params) (any, error) {
	var req cleanRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Status == "" {
		return nil, store.FieldErrorf("status", "is required: one of sent, delivered, read, failed, dead, cancelled")
	}
	if req.OlderThan == "" {
		return nil, store.FieldErrorf("older_than", "is required: a duration such as 24h (0s for every message)")
	}
	d, err := duration("older_than", req.OlderThan)
	if err != nil {
		return nil, err
	}
	limit := CleanLimitDefault
	if req.Limit != nil {
		limit = *req.Limit
	}
	if limit < 1 || limit > CleanLimitMax {
		return nil, store.FieldErrorf("limit", "must be between 1 and %d", CleanLimitMax)
	}
	n, err := s.store.Clean(req.Status, s.now().Add(-d), limit)
	if err != nil {
		return nil, err
	}
	return map[string]int{"removed": n}, nil
}
