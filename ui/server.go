// Package ui is waq's HTTP surface: the JSON API under /v1 (messages, queue,
// dead letters, backup), liveness and readiness, and the status page. Every
// handler returns a value or an error, and one function writes both, mapping
// the codes of store.Error to HTTP statuses in one place. Routes whose
// feature has not landed yet answer 501 not_implemented in the same shape.
package ui

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// Instance is one gateway instance's state as /v1/queue and /healthz show
// it: its state, rate and daily cap use, and (in /v1/queue) its queue.
type Instance struct {
	Name         string     `json:"name"`
	Gateway      string     `json:"gateway"`
	State        string     `json:"state"` // "active", "paused"; in /v1/queue also "disabled" and "stopped"
	PausedReason string     `json:"paused_reason,omitempty"`
	PausedSince  *time.Time `json:"paused_since,omitempty"`
	HeldUntil    *time.Time `json:"held_until,omitempty"` // a pause that ends by itself (the connection was lost)
	Rate         string     `json:"rate"`                 // "80/1m"
	// RateLimit is the sends the rate's window allows: "80/1m" allows 80.
	RateLimit      int    `json:"rate_limit,omitempty"`
	SentLastWindow int    `json:"sent_last_window"`
	DailyCap       int    `json:"daily_cap,omitempty"` // today's cap, with the warm-up; none when absent
	SentLastDay    int    `json:"sent_last_day"`       // sends in the last 24 hours, cap or not
	Waiting        string `json:"waiting,omitempty"`   // why pacing holds the sending
	// Queue is the instance's share of the queue, in /v1/queue only.
	Queue *InstanceQueue `json:"queue,omitempty"`
}

// InstanceQueue is an instance's share of the queued messages.
type InstanceQueue struct {
	Queued int `json:"queued"` // as GET /v1/instances counts it
	Pinned int `json:"pinned"` // pinned to it
	// Waiting counts the messages that wait for it while it does not send
	// (paused, disabled, stopped): pinned to it, or sticky to it within the
	// failover grace; WaitingIDs are the first few, in the order they go,
	// and List lists the pinned ones.
	Waiting    int      `json:"waiting"`
	WaitingIDs []string `json:"waiting_ids,omitempty"`
	List       string   `json:"list,omitempty"`
	// Partial is set when the queue is longer than waq reads for these
	// counts (the first 100 000 queued messages): they are lower bounds.
	Partial bool `json:"partial,omitempty"`
}

// Options configure a Server; the zero value serves an open API.
type Options struct {
	APIKey       string            // when set, every route but /healthz, /readyz and the page's files needs "Authorization: Bearer <key>"
	WebhookToken string            // when set, webhooks also accept it in X-Waq-Webhook-Token or ?token=
	Version      string            // shown by /healthz
	MaxAttempts  int               // max_attempts of a message that sets none (WAQ_RETRY_MAX+1); the store's default when 0
	Instances    func() []Instance // the gateway instances; nil when no gateway is configured
	// QueueInstances, when set, gives GET /v1/queue every instance with its
	// queue (a read of the queued messages); Instances otherwise.
	QueueInstances func() ([]Instance, error)
	Metrics        http.Handler // served at GET /metrics; 501 when nil
	// Receiver applies webhook events; the webhook routes answer 503 when nil.
	Receiver Receiver
	// Stats answers /v1/stats, /v1/reports and PUT /v1/campaigns; those
	// routes answer 501 when it is nil.
	Stats *stats.Reader
	// Events counts POST /v1/events (*stats.Tracker); 501 when nil.
	Events EventTracker
	// Importer runs POST /v1/admin/import and /v1/admin/cutover; 501 when nil.
	Importer Importer
	// Mirror runs /v1/admin/mirror (POST, GET, DELETE); 501 when nil.
	Mirror Mirror
	// Fleet answers /v1/instances (GET, PUT, DELETE); 501 when nil.
	Fleet InstanceAdmin

	// Location is WAQ_TIMEZONE, the zone the status page writes dates and
	// buckets in; the zone of Stats when nil, else UTC.
	Location *time.Location

	// DefaultRegion is the country of numbers a client writes without a
	// country code (WAQ_DEFAULT_REGION, such as ES); "" requires the code.
	DefaultRegion string

	// BestHour answers a message's send_at "best" (stats.Best's Hour);
	// nil refuses it with a 422.
	BestHour store.BestHourFunc

	// ResumeInstances, when set, is called by POST /v1/queue/resume to clear
	// the pauses gateway failures caused as well.
	ResumeInstances     func()
	WhatsAppAppSecret   string           // checks X-Hub-Signature-256 of Cloud API webhooks for instances without their own
	WhatsAppVerifyToken string           // answers the Cloud API's verification challenge, as do the instances' own
	Now                 func() time.Time // time.Now when nil
	Logger              *slog.Logger     // discards when nil

	// WebhookInstances lists the instances webhook deliveries are matched
	// to, unmasked (the Cloud API's app secrets and verify tokens), and
	// names the default one, which takes the events that name no
	// instance. When nil, events keep the names their gateway gave, and
	// the Cloud API is checked with WhatsAppAppSecret and
	// WhatsAppVerifyToken alone.
	WebhookInstances func() (ins []store.InstanceSettings, deflt string, err error)
}

// Server answers waq's HTTP API from a store.
type Server struct {
	store    *store.Store
	opts     Options
	now      func() time.Time
	log      *slog.Logger
	intake   store.Intake // a new message's defaults and checks
	router   *httprouter.Router
	routes   []route
	stopping atomic.Bool
	// unknownLogged keeps the unknown instances webhooks named, so that
	// each is logged once.
	unknownLogged seenOnce
}

// route is one registered method and path, in httprouter's syntax.
type route struct{ method, path string }

// handlerFunc is the shape of every handler: a value to answer as JSON (or a
// reply, download, page or rawJSON), or an error, usually a *store.Error.
type handlerFunc func(r *http.Request, p httprouter.Params) (any, error)

// NewServer returns a Server that answers from st.
func NewServer(st *store.Store, opts Options) *Server {
	s := &Server{store: st, opts: opts, now: opts.Now, log: opts.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	s.intake = store.Intake{Region: opts.DefaultRegion, MaxAttempts: opts.MaxAttempts, Now: s.now, BestHour: opts.BestHour}
	if opts.Stats != nil { // campaigns and their variants live in the analytics
		s.intake.Variants = opts.Stats.Variants
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.router = &httprouter.Router{
		HandleMethodNotAllowed: true,
		NotFound:               http.HandlerFunc(s.notFound),
		MethodNotAllowed:       http.HandlerFunc(s.methodNotAllowed),
	}
	s.register()
	return s
}

// Handler returns the whole HTTP surface: authentication, the body limit,
// panic recovery and request logging around the routes.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// SetStopping makes /readyz answer 503 from now on, so a load balancer or
// systemd stops sending work while the process shuts down.
func (s *Server) SetStopping() { s.stopping.Store(true) }

func (s *Server) register() {
	s.handle(http.MethodPost, "/v1/messages", s.enqueue)
	s.handle(http.MethodPost, "/v1/messages/bulk", s.enqueueBulk)
	s.handle(http.MethodPost, "/v1/messages/send-now", s.sendNow)
	s.handle(http.MethodGet, "/v1/messages", s.listMessages)
	s.handle(http.MethodGet, "/v1/messages/:id", s.getMessage)
	s.handle(http.MethodDelete, "/v1/messages/:id", s.cancelMessage)
	s.handle(http.MethodGet, "/v1/queue", s.queue)
	s.handle(http.MethodPost, "/v1/queue/pause", s.pause)
	s.handle(http.MethodPost, "/v1/queue/resume", s.resume)
	s.handle(http.MethodPost, "/v1/queue/drain", s.drain)
	s.handle(http.MethodPost, "/v1/queue/clean", s.clean)
	s.handle(http.MethodGet, "/v1/dlq", s.listDead)
	s.handle(http.MethodPost, "/v1/dlq/retry", s.retryDead)
	s.handle(http.MethodDelete, "/v1/dlq/:id", s.deleteDead)
	s.handle(http.MethodGet, "/v1/callbacks", s.listCallbacks)
	s.handle(http.MethodPost, "/v1/webhooks/evolution", s.evolutionWebhook)
	s.handle(http.MethodPost, "/v1/webhooks/evolution/:event", s.evolutionWebhook) // Evolution's byEvents: true
	s.handle(http.MethodGet, "/v1/webhooks/whatsapp", s.whatsappVerify)
	s.handle(http.MethodPost, "/v1/webhooks/whatsapp", s.whatsappWebhook)
	s.handle(http.MethodPost, "/v1/events", s.postEvents)
	s.handle(http.MethodGet, "/v1/optouts", s.listOptouts)
	s.handle(http.MethodPost, "/v1/optouts", s.addOptout)
	s.handle(http.MethodDelete, "/v1/optouts/:contact", s.deleteOptout)
	s.handle(http.MethodGet, "/v1/backup", s.backup)
	s.handle(http.MethodGet, "/v1/openapi.json", s.openapi)
	s.handle(http.MethodGet, "/healthz", s.healthz)
	s.handle(http.MethodGet, "/readyz", s.readyz)
	s.registerPage() // GET / and /assets/*: the status page
	s.registerMetrics()
	s.registerStats()
	s.registerAdmin()
	s.registerMirror()
	s.registerInstances()
}

func (s *Server) handle(method, path string, h handlerFunc) {
	s.routes = append(s.routes, route{method, path})
	s.router.Handle(method, path, func(w http.ResponseWriter, r *http.Request, p httprouter.Params) {
		requestInfo(r).route = path
		v, err := h(r, p)
		s.respond(w, r, v, err)
	})
}

func (s *Server) registerMetrics() {
	if s.opts.Metrics == nil {
		s.notImplementedRoutes(route{http.MethodGet, "/metrics"})
		return
	}
	s.routes = append(s.routes, route{http.MethodGet, "/metrics"})
	s.router.GET("/metrics", func(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
		requestInfo(r).route = "/metrics"
		s.opts.Metrics.ServeHTTP(w, r)
	})
}

func (s *Server) notImplementedRoutes(rs ...route) {
	for _, r := range rs {
		s.handle(r.method, r.path, s.notImplemented(r))
	}
}

func (s *Server) notImplemented(rt route) handlerFunc {
	return func(*http.Request, httprouter.Params) (any, error) {
		return nil, store.Errorf(ENOTIMPLEMENTED, "%s %s is not implemented yet", rt.method, rt.path)
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, nil, store.Errorf(store.ENOTFOUND, "no route %s %s", r.Method, r.URL.Path))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, nil, store.Errorf(codeMethod, "%s is not allowed here; allowed: %s", r.Method, w.Header().Get("Allow")))
}

// reqInfo carries what the logging around a request learns inside it.
type reqInfo struct{ route string }

type infoKey struct{}

func requestInfo(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// serve wraps the router: one log line per request, the body limit,
// authentication, and a 500 for a panic.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w} // one allocation for both
	ri := &rec.info
	r = r.WithContext(context.WithValue(r.Context(), infoKey{}, ri))
	defer func() {
		if p := recover(); p != nil {
			s.recovered(rec, r, p)
		}
		if s.log.Enabled(r.Context(), slog.LevelDebug) { // its arguments cost allocations
			s.log.Debug("request", "method", r.Method, "route", ri.logRoute(r), "status", rec.status,
				"bytes", rec.bytes, "duration", time.Since(start))
		}
	}()
	r.Body = http.MaxBytesReader(w, r.Body, BodyMax)
	if err := s.authorize(r); err != nil {
		s.respond(rec, r, nil, err)
		return
	}
	s.router.ServeHTTP(rec, r)
}

// recovered answers a handler's panic with a 500 in the error shape, unless
// the answer had begun, and logs it once. The log names the route and where
// the code was, never the panic's value or the calls' arguments, which may
// hold the request's phone numbers and texts. http.ErrAbortHandler, the
// deliberate abort of a download cut short, goes on to net/http.
func (s *Server) recovered(w *recorder, r *http.Request, p any) {
	if p == http.ErrAbortHandler {
		panic(p)
	}
	metrics.GetOrCreateCounter(`waq_panics_recovered_total{where="http"}`).Inc()
	s.log.Error("panic in handler", "method", r.Method, "route", requestInfo(r).logRoute(r),
		"panic", panicKind(p), "stack", frames(debug.Stack()))
	if w.status == 0 {
		s.writeJSON(w, http.StatusInternalServerError, errorBody{errInternal})
	}
}

// panicKind describes a panic's value without its content: the runtime's
// own message ("index out of range [3] with length 3"), else the type.
func panicKind(p any) string {
	if e, ok := p.(runtime.Error); ok {
		return e.Error()
	}
	return fmt.Sprintf("%T", p)
}

// frames is a stack trace with the calls' argument words cut out.
func frames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasSuffix(l, ")") && !strings.HasPrefix(l, "\t") {
			if j := strings.LastIndexByte(l, '('); j > 0 {
				lines[i] = l[:j] + "(...)"
			}
		}
	}
	return strings.Join(lines, "\n")
}

// logRoute names the route of a request for the log: the pattern, which
// holds no phone number, or the path with its long digit runs masked.
func (ri *reqInfo) logRoute(r *http.Request) string {
	if ri.route != "" {
		return ri.route
	}
	return maskDigits(r.URL.Path)
}

// maskDigits hides runs of five or more digits, which may be phone numbers.
func maskDigits(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j-i >= 5 {
			for k := i; k < j; k++ {
				b[k] = '*'
			}
		}
		i = max(j, i+1)
	}
	return string(b)
}

var errUnauthorized = store.Errorf(EUNAUTHORIZED, "missing or wrong API key: send Authorization: Bearer <key>")

// authorize checks the credentials a path needs: none for /healthz,
// /readyz and the status page's files, the webhook token or the API key
// for webhooks, the API key for the rest. It returns an EUNAUTHORIZED
// *store.Error.
func (s *Server) authorize(r *http.Request) error {
	switch p := r.URL.Path; {
	case p == "/healthz" || p == "/readyz":
		return nil
	case isPagePath(r):
		return nil // the page holds no data; it asks for the key itself
	case p == "/v1/webhooks/whatsapp":
		// The handlers check Meta's verify token, or the body's signature
		// with the app secret of the instance it is for (the webhook token
		// or API key where no secret applies): both depend on the body.
		return nil
	case strings.HasPrefix(p, "/v1/webhooks/"):
		if s.webhookAllowed(r) {
			return nil
		}
	case s.opts.APIKey == "" || s.bearerOK(r):
		return nil
	}
	return errUnauthorized
}

func (s *Server) webhookAllowed(r *http.Request) bool {
	tok := s.opts.WebhookToken
	if tok != "" {
		if got := r.Header.Get("X-Waq-Webhook-Token"); got != "" && equal(got, tok) {
			return true
		}
		if got := r.URL.Query().Get("token"); got != "" && equal(got, tok) {
			return true
		}
	}
	if s.opts.APIKey == "" {
		return tok == ""
	}
	return s.bearerOK(r)
}

func (s *Server) bearerOK(r *http.Request) bool {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && equal(strings.TrimSpace(key), s.opts.APIKey)
}

// equal compares secrets in constant time; hashing first hides their length.
func equal(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
