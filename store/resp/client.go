package resp

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"
)

// client is one connection's state. Its own goroutine (and the committer
// running its transaction, which it waits for) writes it; the fields that
// CLIENT LIST reads from other connections are guarded by mu.
type client struct {
	id           int64
	conn         redcon.Conn
	addr, laddr  string
	created      time.Time
	authed, quit bool
	w            reply

	mu    sync.Mutex
	name  string
	db    int
	proto int // 2, or 3 after HELLO 3 (w.resp3 is the writer's copy)
	cmd   string
	last  time.Time

	multi    bool
	queued   [][][]byte
	aborted  bool             // a command queued in MULTI was refused: EXEC fails
	watched  map[string]int   // db|key -> db
	watchExp map[string]int64 // db|key -> when it expires, for those with a TTL
	dirty    atomic.Bool      // a watched key was written
	woke     []wakeup         // blocked clients this one's writes woke
	waiting  bool             // blocked in blockFor
	awaiting atomic.Bool      // in awaitOthers
	scripts  scriptSeq        // scripts of the transaction being run (script_busy.go)

	subs      subs    // Pub/Sub subscriptions (pubsub.go)
	out       outbox  // writes the socket once the client subscribed
	replyMode byte    // CLIENT REPLY: 0 on, 'f' off, 's' skip the next command
	events    []event // keyspace events waiting for the transaction to commit
}

func (cl *client) setDB(db int) {
	cl.mu.Lock()
	cl.db = db
	cl.mu.Unlock()
}

func (cl *client) setProto(resp3 bool) {
	cl.mu.Lock()
	cl.proto = 2
	if resp3 {
		cl.proto = 3
	}
	cl.mu.Unlock()
}

func (cl *client) touch(cmd string, now time.Time) {
	cl.mu.Lock()
	cl.cmd, cl.last = cmd, now
	cl.mu.Unlock()
}

// info is the client's line of CLIENT LIST and CLIENT INFO.
func (cl *client) info(now time.Time) string {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	multi := -1
	if cl.multi {
		multi = len(cl.queued)
	}
	return fmt.Sprintf("id=%d addr=%s laddr=%s fd=0 name=%s age=%d idle=%d flags=N db=%d sub=%d psub=%d ssub=%d multi=%d qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=%s user=default redir=-1 resp=%d\n",
		cl.id, cl.addr, cl.laddr, cl.name, int(now.Sub(cl.created).Seconds()), int(now.Sub(cl.last).Seconds()),
		cl.db, cl.subs.n[subChannel].Load(), cl.subs.n[subPattern].Load(), cl.subs.n[subShard].Load(), multi, cl.cmd, max(cl.proto, 2))
}

func (s *Server) clientList(now time.Time) string {
	s.mu.Lock()
	cls := make([]*client, 0, len(s.clients))
	for _, cl := range s.clients {
		cls = append(cls, cl)
	}
	s.mu.Unlock()
	sort.Slice(cls, func(i, j int) bool { return cls[i].id < cls[j].id })
	var b strings.Builder
	for _, cl := range cls {
		b.WriteString(cl.info(now))
	}
	return b.String()
}

func (s *Server) clientCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

func watchKey(db int, key []byte) string { return string(rune('0'+db)) + "|" + string(key) }

// watchAdd makes a write to key fail cl's next EXEC.
func (s *Server) watchAdd(cl *client, db int, key []byte) {
	k := watchKey(db, key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if cl.watched == nil {
		cl.watched = make(map[string]int)
	}
	cl.watched[k] = db
	if s.watch[k] == nil {
		s.watch[k] = make(map[*client]struct{})
	}
	s.watch[k][cl] = struct{}{}
	s.watching.Store(int64(len(s.watch)))
}

// unwatch forgets cl's watched keys (UNWATCH, EXEC, DISCARD, disconnect).
func (s *Server) unwatch(cl *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range cl.watched {
		delete(s.watch[k], cl)
		if len(s.watch[k]) == 0 {
			delete(s.watch, k)
		}
	}
	cl.watched, cl.watchExp = nil, nil
	cl.dirty.Store(false)
	s.watching.Store(int64(len(s.watch)))
}

// touched marks the clients watching key; it runs inside the write
// transaction, so it is ordered with the EXEC checks of other clients.
func (s *Server) touched(db int, key []byte) {
	if s.watching.Load() == 0 {
		return // the common case: no lock on the committer's path
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for cl := range s.watch[watchKey(db, key)] {
		cl.dirty.Store(true)
	}
}

// touchedDB marks every client watching a key of db (-1: any database).
func (s *Server) touchedDB(db int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cls := range s.watch {
		for cl := range cls {
			for _, d := range cl.watched {
				if db < 0 || d == db {
					cl.dirty.Store(true)
				}
			}
		}
	}
}
