package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/waqhq/waq/store"
)

// ledger is what the crash suite's clients were told and what the fake
// gateway accepted; the verifier holds the data file to it after each kill.
type ledger struct {
	mu      sync.Mutex
	acked   map[string]string // idempotency key → message id, for every acknowledged enqueue
	jobs    []string          // idempotency keys of the jobs of acknowledged imports
	cutover int               // len(jobs) when the last acknowledged cutover began
	hooks   []hookAck         // webhooks whose answer said they applied
	backups []string          // backup files received whole
	accepts []accept          // every send the fake accepted, in order
	epoch   int               // the waq process now running, counted from 1
}

// hookAck is a status webhook that waq said it applied.
type hookAck struct {
	key    string // the gateway's key.id
	status store.Status
}

// accept is one send the fake gateway accepted.
type accept struct {
	key, number string // key.id, and the recipient's digits, unique to a message
	at          time.Time
	epoch       int
	judged      bool // its run ended and the verifier looked at the file
	unrecorded  bool // waq had not recorded it when its run was killed: in flight
}

func newLedger() *ledger { return &ledger{acked: map[string]string{}, epoch: 1} }

func (l *ledger) ack(key, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acked[key] = id
}

func (l *ledger) onAccept(key, number string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.accepts = append(l.accepts, accept{key: key, number: number, at: time.Now(), epoch: l.epoch})
}

// recorded returns the gateway keys of sends judged recorded at a kill,
// which a webhook may name.
func (l *ledger) recorded() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var keys []string
	for _, a := range l.accepts {
		if a.judged && !a.unrecorded {
			keys = append(keys, a.key)
		}
	}
	return keys
}

// snapshot is the data file of a stopped waq, read for the verifier.
type snapshot struct {
	byKey  map[string]*store.Message // idempotency key → message
	byTo   map[string]*store.Message // recipient digits → message
	byGWID map[string]*store.Message // gateway message id → message
}

// readSnapshot runs store.Check on the stopped file, then reads every
// message. It returns the problems Check found and the messages that share
// an idempotency key or a recipient (each suite message has its own).
func readSnapshot(dir string) (*snapshot, []string, error) {
	path := filepath.Join(dir, store.FileName)
	probs, err := store.Check(path)
	if err != nil {
		return nil, nil, fmt.Errorf("check: %w", err)
	}
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	s := &snapshot{byKey: map[string]*store.Message{}, byTo: map[string]*store.Message{}, byGWID: map[string]*store.Message{}}
	for cursor := ""; ; {
		ms, next, err := st.Messages(store.Filter{Limit: store.ListLimitMax, Cursor: cursor})
		if err != nil {
			return nil, nil, err
		}
		for _, m := range ms {
			probs = append(probs, s.add(m)...)
		}
		if cursor = next; next == "" {
			return s, probs, nil
		}
	}
}

func (s *snapshot) add(m *store.Message) []string {
	var probs []string
	if o := s.byKey[m.IdempotencyKey]; o != nil && m.IdempotencyKey != "" {
		probs = append(probs, fmt.Sprintf("messages %s and %s share idempotency key %s", o.ID, m.ID, m.IdempotencyKey))
	}
	to := digits(m.To)
	if o := s.byTo[to]; o != nil {
		probs = append(probs, fmt.Sprintf("messages %s and %s share recipient %s: one was stored twice", o.ID, m.ID, m.To))
	}
	s.byKey[m.IdempotencyKey], s.byTo[to] = m, m
	if m.GatewayMessageID != "" {
		s.byGWID[m.GatewayMessageID] = m
	}
	return probs
}

func digits(s string) string {
	return string(slices.DeleteFunc([]byte(s), func(b byte) bool { return b < '0' || b > '9' }))
}

// verify holds the snapshot taken after run epoch ended to the ledger and
// returns what does not hold. killed says whether the run was killed: a
// run stopped gracefully must have recorded every send it made.
func (l *ledger) verify(s *snapshot, killed bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	probs := l.verifyAcked(s)
	probs = append(probs, l.verifyImports(s)...)
	probs = append(probs, l.verifyHooks(s)...)
	return append(probs, l.judgeSends(s, killed)...)
}

// verifyAcked: every acknowledged message exists under its key.
func (l *ledger) verifyAcked(s *snapshot) []string {
	var probs []string
	for key, id := range l.acked {
		if m := s.byKey[key]; m == nil || m.ID != id {
			probs = append(probs, fmt.Sprintf("acknowledged message %s (key %s) is missing", id, key))
		}
	}
	return probs
}

// verifyImports: the jobs of an acknowledged import are messages, and those
// imported before an acknowledged cutover are no longer held.
func (l *ledger) verifyImports(s *snapshot) []string {
	var probs []string
	for i, key := range l.jobs {
		m := s.byKey[key]
		switch {
		case m == nil:
			probs = append(probs, fmt.Sprintf("job %s of an acknowledged import is missing", key))
		case i < l.cutover && m.Status == store.Held:
			probs = append(probs, fmt.Sprintf("job %s is still held after an acknowledged cutover", key))
		}
	}
	return probs
}

// statusRank orders the states a status webhook moves a sent message to.
var statusRank = map[store.Status]int{store.Sent: 1, store.Delivered: 2, store.Read: 3}

// verifyHooks: a status webhook waq said it applied stays applied.
func (l *ledger) verifyHooks(s *snapshot) []string {
	var probs []string
	for _, h := range l.hooks {
		m := s.byGWID[h.key]
		if m == nil || statusRank[m.Status] < statusRank[h.status] {
			probs = append(probs, fmt.Sprintf("applied webhook %s for %s is lost: %+v", h.status, h.key, m))
		}
	}
	return probs
}

// judgeSends marks each send of the run that just ended recorded (its key
// is the message's gateway_message_id) or in flight at the kill, then checks
// at-least-once without excess: per message, every send but the last was in
// flight at a kill, and the last is the one on record once recorded.
func (l *ledger) judgeSends(s *snapshot, killed bool) []string {
	var probs []string
	last := map[string]int{} // number → index of its latest send
	for i := range l.accepts {
		a := &l.accepts[i]
		if !a.judged {
			m := s.byTo[a.number]
			a.judged, a.unrecorded = true, m == nil || m.GatewayMessageID != a.key
			if a.unrecorded && !killed {
				probs = append(probs, fmt.Sprintf("send %s to %s is not recorded after a graceful stop", a.key, a.number))
			}
		}
		if p, ok := last[a.number]; ok && !l.accepts[p].unrecorded {
			probs = append(probs, fmt.Sprintf("message to %s sent again (%s) after its send %s was recorded", a.number, a.key, l.accepts[p].key))
		}
		last[a.number] = i
	}
	return probs
}
