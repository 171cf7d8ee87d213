package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/waqhq/waq/scheduler"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/callback"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/mirror"
	"github.com/waqhq/waq/ui"
)

// Bounds of the HTTP server. No write timeout: GET /v1/backup streams the
// whole data file.
const (
	ShutdownTimeoutDefault = 10 * time.Second
	readHeaderTimeout      = 10 * time.Second
	readTimeout            = 60 * time.Second
	idleTimeout            = 120 * time.Second
)

// Main is waq serve: it opens the data file and runs the HTTP server, the
// sender and the scheduler on it until Close.
type Main struct {
	Config Config
	Logger *slog.Logger
	// ShutdownTimeout bounds how long Close waits for HTTP requests.
	ShutdownTimeout time.Duration

	store  *store.Store
	runner *fleet.Runner // one sending loop per enabled instance
	rcv    *sender.Receiver

	loc       *time.Location // WAQ_TIMEZONE
	tracker   *stats.Tracker
	callbacks *callback.Notifier // posts the outbox's status callbacks
	stopRESP  func() error       // the RESP server; nil until Run starts it
	stopPprof func() error       // Go's profiles (WAQ_PPROF_ADDR); nil until Run starts it
	mirrors   *mirror.Manager    // waq mirror, import and cutover through the API
	respAddr  string             // where it listens; "" when WAQ_RESP_ADDR is empty
	reader    *stats.Reader      // the stats routes' queries, with their cache
	ui        *ui.Server
	http      *http.Server
	ln        net.Listener
	cancel    context.CancelFunc // stops the sender and the scheduler
	wg        sync.WaitGroup
	failed    chan error // the first background part that ended by itself

	closeOnce sync.Once
	closeErr  error
}

// NewMain returns a Main for cfg, which the caller has validated.
func NewMain(cfg Config, logger *slog.Logger) *Main {
	return &Main{Config: cfg, Logger: logger, ShutdownTimeout: ShutdownTimeoutDefault, failed: make(chan error, 1)}
}

// Run opens the data file, puts back in the queue what a previous run left
// sending, and starts the sender, the scheduler and the HTTP server. It
// returns once they run; a start that fails is undone. Stop with Close.
func (m *Main) Run(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if err := m.newTracker(); err != nil {
		return err
	}
	m.callbacks = &callback.Notifier{Secret: m.Config.CallbackSecret, MaxAge: m.Config.CallbackMaxAge,
		Logger: m.Logger.With("part", "callbacks")}
	if err := m.openStore(); err != nil {
		return err
	}
	if m.reader, err = stats.NewReader(m.store, m.loc, time.Now); err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	m.rcv = &sender.Receiver{Store: m.store, Sender: m.sender, OnInbound: m.inbound,
		Logger: m.Logger.With("part", "webhooks")}
	if m.runner, err = m.newRunner(); err != nil {
		return err
	}
	sch := &scheduler.Scheduler{Store: m.store, SentRetention: m.Config.SentRetention, Logger: m.Logger.With("part", "scheduler")}
	if err := m.addRetention(sch); err != nil {
		return err
	}
	if err := m.addRebalance(sch); err != nil {
		return err
	}
	if m.Config.BackupDir != "" {
		if err := sch.AddJob(BackupSpec, BackupJob, m.nightlyBackup); err != nil {
			return err
		}
	}
	m.mirrors = mirror.NewManager(m.store, m.Logger.With("part", "mirror"))
	m.mirrors.Region = m.Config.DefaultRegion // national numbers of imported and mirrored jobs
	best, err := m.newBest()
	if err != nil {
		return err
	}
	m.ui = ui.NewServer(m.store, ui.Options{
		APIKey:        m.Config.APIKey,
		WebhookToken:  m.Config.WebhookToken,
		Version:       resolveVersion(),
		MaxAttempts:   m.Config.RetryMax + 1,
		DefaultRegion: m.Config.DefaultRegion,
		Instances:     instances(m.runner),
		Metrics:       &stats.Metrics{Store: m.store, Now: time.Now, Paused: paused(m.runner), Use: use(m.runner), Version: resolveVersion()},
		Logger:        m.Logger.With("part", "http"),

		Receiver:            m.rcv,
		Events:              m.tracker,
		Stats:               m.reader,
		BestHour:            best.Hour,
		Importer:            m.mirrors, // cutover stops a mirror and translates its jobs first
		Mirror:              m.mirrors,
		Fleet:               m.runner.Fleet,
		ResumeInstances:     func() { m.resumeInstances() },
		QueueInstances:      queueInstances(m.runner),
		WhatsAppAppSecret:   m.Config.WhatsApp.AppSecret,
		WhatsAppVerifyToken: m.Config.WhatsApp.VerifyToken,
		WebhookInstances:    webhookInstances(m.runner.Fleet),
	})
	if err := m.listen(); err != nil {
		return err
	}
	if m.stopRESP, m.respAddr, err = startRESP(m.Config, m.store, m.Logger.With("part", "resp")); err != nil {
		return err
	}
	if m.stopPprof, _, err = startPprof(m.Config); err != nil {
		return err
	}
	m.start(context.WithoutCancel(ctx), sch)
	m.Logger.Info("waq started", "http", m.HTTPAddr(), "resp", m.respAddr, "data", m.store.Path(), "gateway", m.Config.Gateway,
		"rate", m.Config.Rate, "concurrency", m.Config.Concurrency, "version", resolveVersion())
	return nil
}

// openStore opens the data file with the analytics and the callbacks
// subscribed to its feed, and queues again every message a previous run
// left sending: only one process holds the file, so those leases are
// orphans of a crash or of a stop that did not finish. Open reports no
// transition, so the subscribers take the store before the first write
// (the recovery, whose recovered transitions they see and count as
// nothing: see stats.classify).
func (m *Main) openStore() (err error) {
	m.store, err = store.Open(m.Config.DataFile(), store.Options{
		Subscribers: []store.Subscriber{m.tracker.Transitions, m.callbacks.Transitions},
		Callbacks:   callback.Rule(m.Config.CallbackURL),
	})
	if err != nil {
		return err
	}
	m.tracker.Store, m.callbacks.Store = m.store, m.store
	n, err := m.store.RecoverAllLeases()
	if err != nil {
		return fmt.Errorf("recover leases: %w", err)
	}
	m.Logger.Info("recovered leases", "messages", n)
	return nil
}

// listen binds the HTTP address before serving, so HTTPAddr knows the port.
func (m *Main) listen() (err error) {
	if m.ln, err = net.Listen("tcp", m.Config.HTTPAddr); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.http = &http.Server{
		Handler:           m.ui.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	return nil
}

// start runs the background parts; the sender and the scheduler stop when
// Close cancels their context.
func (m *Main) start(ctx context.Context, sch *scheduler.Scheduler) {
	ctx, m.cancel = context.WithCancel(ctx)
	if ins, err := m.runner.Fleet.Settings(); err == nil && len(ins) == 0 {
		m.Logger.Warn("no gateway configured: messages wait (set WAQ_GATEWAY, or PUT /v1/instances/{name})")
	}
	m.goRun("sender", func() error { return m.runner.Run(ctx) })
	m.goRun("scheduler", func() error { return sch.Run(ctx) })
	m.goRun("analytics", func() error { return m.tracker.Run(ctx) })
	m.goRun("callbacks", func() error { return m.callbacks.Run(ctx) })
	tuneGC()
	m.goRun("memory", func() error { return trimMemory(ctx) })
	m.goRun("http", func() error {
		if err := m.http.Serve(m.ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
}

// goRun runs fn and reports its error, unless Close asked it to stop.
func (m *Main) goRun(name string, fn func() error) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		err := fn()
		if err == nil || errors.Is(err, context.Canceled) {
			return
		}
		select {
		case m.failed <- fmt.Errorf("%s: %w", name, err):
		default:
		}
	}()
}

// HTTPAddr returns the address the HTTP server listens on, with the port
// chosen by the system when the configured one was 0.
func (m *Main) HTTPAddr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// Wait blocks until ctx ends, which returns nil, or until a part of the
// server fails, which returns its error.
func (m *Main) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-m.failed:
		return err
	}
}

// Close stops gracefully: /readyz turns 503, HTTP requests get up to
// ShutdownTimeout to finish, the sender stops leasing and waits for its
// in-flight sends (up to its StopTimeout), the scheduler stops, and the data
// file is closed. It is safe to call more than once.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	var errs []error
	if m.ui != nil {
		m.ui.SetStopping()
	}
	if m.http != nil {
		errs = append(errs, m.shutdownHTTP())
	} else if m.ln != nil {
		errs = append(errs, m.ln.Close())
	}
	if m.stopRESP != nil {
		errs = append(errs, m.stopRESP())
	}
	if m.stopPprof != nil {
		errs = append(errs, m.stopPprof())
	}
	if m.mirrors != nil {
		m.mirrors.Stop()
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait() // the runner closes the gateways after their loops stop
	errs = append(errs, m.flushAnalytics())
	if m.reader != nil {
		m.reader.Close()
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
		m.Logger.Info("waq stopped")
	}
	return errors.Join(errs...)
}

// shutdownHTTP lets requests finish for ShutdownTimeout, then cuts them.
func (m *Main) shutdownHTTP() error {
	ctx, cancel := context.WithTimeout(context.Background(), m.ShutdownTimeout)
	defer cancel()
	if err := m.http.Shutdown(ctx); err != nil {
		m.http.Close()
		return fmt.Errorf("stop http: %w", err)
	}
	return nil
}
