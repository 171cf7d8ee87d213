// Package resp serves waq's Redis-typed keyspace (package store/keyspace,
// which owns the keys' records and typed operations) over the Redis protocol
// (RESP2), so redis-cli, Redis browsers and ioredis or go-redis code work
// against the one bbolt file. A command's parsing, checks and reply are here. Commands, arities and error texts follow Redis
// 7.0; every batch of pipelined commands and every MULTI/EXEC block is one
// bbolt transaction, committed (fsynced) before its replies are sent.
package resp

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

// Defaults of Options.
const (
	MaxBulkDefault       = 64 << 20 // largest argument accepted; Redis allows 512 MB
	PipelineTxMaxDefault = 256      // commands of one pipeline sharing a transaction
	// PeersWaitDefault bounds how long a command that must come after the
	// commands other connections sent before it (a blocking one, PUBLISH, a
	// woken blocked client) waits for them to run.
	PeersWaitDefault = 10 * time.Millisecond
	RedisVersion     = "7.0.15" // reported by INFO and HELLO; the replies follow this version
)

// Options configure a Server; the zero value of each field is its default.
type Options struct {
	Password      string // AUTH password; none when empty
	MaxBulk       int    // MaxBulkDefault when 0
	PipelineTxMax int    // PipelineTxMaxDefault when 0
	// PeersWait is PeersWaitDefault when 0. Redis runs commands one at a
	// time in the order they come; waq runs connections in parallel and
	// waits this long at most for another connection's earlier command.
	PeersWait time.Duration
	Logger    *slog.Logger
	Now       func() time.Time // time.Now when nil; must match the store's clock
}

// Server answers Redis clients from a store's keyspace.
type Server struct {
	st      *store.Store
	ks      *keyspace.Keyspace
	opt     Options
	log     *slog.Logger
	started time.Time
	ids     atomic.Int64
	hits    atomic.Int64 // keyspace_hits and keyspace_misses of INFO
	misses  atomic.Int64
	total   atomic.Int64 // commands processed
	stats   *cmdStats    // INFO commandstats and errorstats
	// watching is the number of keys some client WATCHes.
	watching atomic.Int64

	mu      sync.Mutex
	clients map[int64]*client
	watch   map[string]map[*client]struct{} // db|key -> clients watching it
	cursors *cursorTable
	conf    settings // CONFIG SET's encoding thresholds
	blocked blockers // clients waiting in BLPOP, BZPOPMIN, …
	ps      pubsub   // Pub/Sub subscriptions
	ln      net.Listener
	done    chan struct{}
	stop    chan struct{}
	swept   sync.WaitGroup // the sweeper, waited for by Close
	// testHook, when set by a test, runs before every command's handler,
	// under the same recover.
	testHook func(*call)

	// scripts are EVAL's cache, Lua states and the scripts running.
	scripts scripting
}

// New returns a server for st; start it with Serve.
func New(st *store.Store, opt Options) *Server {
	if opt.MaxBulk <= 0 {
		opt.MaxBulk = MaxBulkDefault
	}
	if opt.PipelineTxMax <= 0 {
		opt.PipelineTxMax = PipelineTxMaxDefault
	}
	if opt.PeersWait <= 0 {
		opt.PeersWait = PeersWaitDefault
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{st: st, ks: keyspace.New(st), opt: opt, log: opt.Logger, started: opt.Now(), clients: make(map[int64]*client),
		watch: make(map[string]map[*client]struct{}), cursors: newCursorTable(4096),
		done: make(chan struct{}), stop: make(chan struct{}), stats: newCmdStats()}
}

// Serve accepts connections on ln until Close, and runs the TTL sweeper. It
// returns nil after Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	defer close(s.done)
	s.swept.Add(1)
	go func() {
		defer s.swept.Done()
		s.sweep()
	}()
	err := redcon.Serve(&guardListener{Listener: ln, max: s.opt.MaxBulk}, s.handle, s.accept, s.closed)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Close stops accepting, closes every connection, stops the sweeper and
// waits for Serve to return. Writes already committed stay committed; a
// command still running may get ErrClosed from the store if the caller closes
// it next.
func (s *Server) Close() error {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	select {
	case <-s.stop:
		return nil
	default:
		close(s.stop)
	}
	s.scripts.stopAll() // a script in progress would hold the store's writers
	if ln == nil {
		return nil
	}
	err := ln.Close()
	<-s.done
	s.swept.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func (s *Server) accept(conn redcon.Conn) bool {
	now := s.opt.Now()
	cl := &client{id: s.ids.Add(1), conn: conn, addr: conn.RemoteAddr(), created: now, last: now,
		authed: s.opt.Password == ""}
	if nc := conn.NetConn(); nc != nil {
		cl.laddr = nc.LocalAddr().String()
	}
	conn.SetContext(cl)
	s.mu.Lock()
	s.clients[cl.id] = cl
	s.mu.Unlock()
	return true
}

func (s *Server) closed(conn redcon.Conn, err error) {
	cl, _ := conn.Context().(*client)
	if cl == nil {
		return
	}
	s.unwatch(cl)
	s.unsubscribeAll(cl)
	cl.out.stop()
	s.mu.Lock()
	delete(s.clients, cl.id)
	s.mu.Unlock()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		s.log.Debug("resp connection closed", "addr", cl.addr, "err", err)
	}
}

// handle receives the first command of a socket read; the others of the
// same read are taken with ReadPipeline so they share transactions.
func (s *Server) handle(conn redcon.Conn, cmd redcon.Command) {
	cl := conn.Context().(*client)
	defer func() {
		// Handlers recover their own panics (runCmd); one anywhere else
		// leaves this connection's replies unknown, so it is closed.
		if v := recover(); v != nil {
			s.recovered("", v)
			cl.w.truncate(0)
			conn.WriteError(string(errInternal))
			conn.Close()
		}
	}()
	cl.out.begin()
	cmds := append([]redcon.Command{cmd}, conn.ReadPipeline()...)
	if g, ok := conn.NetConn().(*guardConn); ok {
		g.consumed()
	}
	s.run(cl, cmds)
	cl.settle()
	s.waitWoken(cl) // as Redis, serve the clients a write unblocked before answering it
	// A subscriber's writes go through its outbox (outbox.go).
	if !cl.out.end(cl.w.b) {
		conn.WriteRaw(cl.w.b)
	}
	cl.w.truncate(0)
	if cap(cl.w.b) > 1<<20 {
		cl.w.b = nil
	}
	if cl.quit {
		cl.out.flush()
		conn.Close()
	}
}
