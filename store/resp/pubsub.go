package resp

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Pub/Sub's registry: who listens to which channel, pattern or shard
// channel. Messages live in memory only, on their way to the subscribers'
// sockets; Redis does not persist them either.

// The three kinds of subscription; each has its own namespace, and its
// replies name it ("subscribe", "message", …).
type subKind int

const (
	subChannel subKind = iota
	subPattern
	subShard
)

// subWords are a kind's reply words: subscribe, unsubscribe, message.
var subWords = [3][3]string{
	{"subscribe", "unsubscribe", "message"},
	{"psubscribe", "punsubscribe", "pmessage"},
	{"ssubscribe", "sunsubscribe", "smessage"},
}

// pubsub is the server's registry; mu orders every delivery, so all
// subscribers see the messages of concurrent publishers in the same order,
// as in Redis.
type pubsub struct {
	mu       sync.Mutex
	names    [3]map[string]map[*client]struct{}
	patterns []string     // the keys of names[subPattern], sorted: the order pmessages go out
	notify   atomic.Int64 // notify-keyspace-events (notify.go)
}

// subs is a client's side of the registry, guarded by pubsub.mu; n counts
// each kind for readers without the lock (the RESP2 gate, CLIENT LIST).
type subs struct {
	names [3]map[string]struct{}
	n     [3]atomic.Int64
}

// total counts the subscriptions of every kind.
func (cs *subs) total() int64 { return cs.n[0].Load() + cs.n[1].Load() + cs.n[2].Load() }

// count is what a (un)subscribe reply reports: channels and patterns
// together, shard channels apart (Redis 7.0).
func (cs *subs) count(k subKind) int {
	if k == subShard {
		return len(cs.names[subShard])
	}
	return len(cs.names[subChannel]) + len(cs.names[subPattern])
}

// subscribe adds cl to name and returns the count to report.
func (s *Server) subscribe(cl *client, k subKind, name string) int {
	ps := &s.ps
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if cl.subs.names[k] == nil {
		cl.subs.names[k] = make(map[string]struct{})
	}
	if _, ok := cl.subs.names[k][name]; !ok {
		cl.subs.names[k][name] = struct{}{}
		cl.subs.n[k].Add(1)
		if ps.names[k] == nil {
			ps.names[k] = make(map[string]map[*client]struct{})
		}
		if ps.names[k][name] == nil {
			ps.names[k][name] = make(map[*client]struct{})
			if k == subPattern {
				ps.patterns = insertSorted(ps.patterns, name)
			}
		}
		ps.names[k][name][cl] = struct{}{}
	}
	return cl.subs.count(k)
}

// unsubscribe removes cl from name; it reports the count left.
func (s *Server) unsubscribe(cl *client, k subKind, name string) int {
	ps := &s.ps
	ps.mu.Lock()
	defer ps.mu.Unlock()
	s.unsubscribeLocked(cl, k, name)
	return cl.subs.count(k)
}

func (s *Server) unsubscribeLocked(cl *client, k subKind, name string) {
	ps := &s.ps
	if _, ok := cl.subs.names[k][name]; !ok {
		return
	}
	delete(cl.subs.names[k], name)
	cl.subs.n[k].Add(-1)
	delete(ps.names[k][name], cl)
	if len(ps.names[k][name]) == 0 {
		delete(ps.names[k], name)
		if k == subPattern {
			i := sort.SearchStrings(ps.patterns, name)
			ps.patterns = append(ps.patterns[:i], ps.patterns[i+1:]...)
		}
	}
}

// subscribed lists cl's subscriptions of kind k, sorted (the order of an
// UNSUBSCRIBE without arguments; Redis's is its hash order).
func (s *Server) subscribed(cl *client, k subKind) []string {
	s.ps.mu.Lock()
	defer s.ps.mu.Unlock()
	names := make([]string, 0, len(cl.subs.names[k]))
	for n := range cl.subs.names[k] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// unsubscribeAll drops every subscription of cl (disconnect, RESET).
func (s *Server) unsubscribeAll(cl *client) {
	if cl.subs.total() == 0 {
		return
	}
	s.ps.mu.Lock()
	defer s.ps.mu.Unlock()
	for k := range cl.subs.names {
		for n := range cl.subs.names[k] {
			s.unsubscribeLocked(cl, subKind(k), n)
		}
	}
}

// publish delivers msg to the subscribers of channel (and, unless shard,
// of the patterns matching it) and returns how many received it. A message
// to the publisher itself goes into self, before the command's reply, as
// Redis sends it.
func (s *Server) publish(self *client, selfW *reply, k subKind, channel, msg []byte) int {
	ps := &s.ps
	ps.mu.Lock()
	defer ps.mu.Unlock()
	n := 0
	// deliver sends parts to clients: a message encoded once per protocol
	// and shared by their outboxes.
	deliver := func(clients map[*client]struct{}, parts ...[]byte) {
		var encoded [2][]byte // RESP2, RESP3
		for cl := range clients {
			n++
			if cl == self {
				pushParts(selfW, parts)
				continue
			}
			i := 0
			if cl.resp3() {
				i = 1
			}
			if encoded[i] == nil {
				w := reply{resp3: i == 1}
				pushParts(&w, parts)
				encoded[i] = w.b
			}
			cl.out.push(encoded[i])
		}
	}
	deliver(ps.names[k][string(channel)], []byte(subWords[k][2]), channel, msg)
	if k == subShard {
		return n
	}
	for _, p := range ps.patterns {
		if match([]byte(p), channel) {
			deliver(ps.names[subPattern][p], []byte("pmessage"), []byte(p), channel, msg)
		}
	}
	return n
}

// pushParts writes a push message: RESP3's push type, RESP2's array.
func pushParts(w *reply, parts [][]byte) {
	w.pushLen(len(parts))
	for _, p := range parts {
		w.bulk(p)
	}
}

// pushLen starts a push message (subscribe replies, messages).
func (w *reply) pushLen(n int) {
	if w.resp3 {
		w.header('>', n)
	} else {
		w.array(n)
	}
}

// active lists the names of kind k with at least one subscriber that
// match pattern (all when pattern is nil), sorted.
func (s *Server) active(k subKind, pattern []byte) [][]byte {
	s.ps.mu.Lock()
	defer s.ps.mu.Unlock()
	var out [][]byte
	for n := range s.ps.names[k] {
		if pattern == nil || match(pattern, []byte(n)) {
			out = append(out, []byte(n))
		}
	}
	sort.Slice(out, func(i, j int) bool { return string(out[i]) < string(out[j]) })
	return out
}

// numSub is the number of subscribers of name.
func (s *Server) numSub(k subKind, name []byte) int {
	s.ps.mu.Lock()
	defer s.ps.mu.Unlock()
	return len(s.ps.names[k][string(name)])
}

// numPat is the number of patterns with a subscriber.
func (s *Server) numPat() int {
	s.ps.mu.Lock()
	defer s.ps.mu.Unlock()
	return len(s.ps.patterns)
}

func insertSorted(list []string, v string) []string {
	i := sort.SearchStrings(list, v)
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = v
	return list
}

func (cl *client) resp3() bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.proto == 3
}

// pubsubCounts are INFO's pubsub_channels, pubsub_patterns and
// pubsubshard_channels: the names with a subscriber.
func (s *Server) pubsubCounts() (channels, patterns, shard int) {
	s.ps.mu.Lock()
	defer s.ps.mu.Unlock()
	return len(s.ps.names[subChannel]), len(s.ps.patterns), len(s.ps.names[subShard])
}

// maxPeekedSubscribers bounds the sockets a PUBLISH looks into.
const maxPeekedSubscribers = 64

// awaitSubscribers lets the commands subscribers have already sent (read,
// or still in their sockets) run before a PUBLISH or PUBSUB looks at the
// registry, for at most Options.PeersWait. Redis runs commands in arrival order,
// so an UNSUBSCRIBE sent before another connection's PUBLISH takes effect
// first; test harnesses send one and, without reading its reply, the other.
//
// Looking into a socket costs a system call, so with more than
// maxPeekedSubscribers subscribed connections only the commands already
// read are waited for.
func (s *Server) awaitSubscribers(cl *client) {
	s.mu.Lock()
	var subs []*client
	for _, o := range s.clients {
		if o != cl && o.subs.total() > 0 {
			subs = append(subs, o)
		}
	}
	s.mu.Unlock()
	deadline := time.Now().Add(s.opt.PeersWait)
	for _, o := range subs {
		g := o.guard()
		if g == nil {
			continue
		}
		upto := uint64(0)
		if len(subs) <= maxPeekedSubscribers {
			upto = o.pendingReads() // also what is still in the socket: one syscall
		}
		upto = max(upto, g.reads.Load()) // read while pendingReads looked
		for g.settled.Load() < upto && time.Now().Before(deadline) {
			time.Sleep(200 * time.Microsecond) // polling: the peer's goroutine signals nothing
		}
	}
}
