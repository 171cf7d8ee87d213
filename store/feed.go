package store

import (
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TransitionKind names what happened to a message in one committed
// transition. The feed carries exactly these kinds, each emitted by the
// store method named beside it:
//
//	kind       from                          to                          method
//	enqueued   ""                            queued, scheduled           Enqueue, EnqueueBulk
//	held       ""                            held                        EnqueueHeld
//	imported   ""                            sent                        EnqueueHeld (sent history of the old queue)
//	released   held                          queued, scheduled, dead     Cutover
//	leased     queued                        sending                     Lease, LeaseBatch
//	sent       sending, queued               sent                        MarkSent
//	delivered  sending, queued, sent         delivered                   ReportStatus, Advance, MarkSent (an early report)
//	read       sending, queued, sent, deliv. read                        ReportStatus, Advance, MarkSent (an early report)
//	failed     sending, queued, sent         failed (delivery failure)   ReportStatus, Advance, MarkSent (an early report)
//	deferred   sending                       scheduled                   Defer (the sender's pacing)
//	retried    sending                       retrying                    Fail
//	dead       sending                       dead                        Fail (permanent, or attempts spent)
//	returned   sending                       queued                      Release (gateway unusable; no try counted)
//	suppressed sending                       cancelled                   Suppress (the contact opted out)
//	recovered  sending                       queued                      RecoverLeases, RecoverAllLeases
//	promoted   scheduled, retrying           queued                      Promote, SendNow
//	cancelled  queued, scheduled, retrying   cancelled                   Cancel
//	drained    queued, scheduled, retrying   cancelled                   Drain
//	requeued   dead                          queued                      RetryDead
//	cleaned    a finished state              "" (deleted)                Clean
//	deleted    dead                          "" (deleted)                DeleteDead
//
// Nothing else changes a message's state. Open emits nothing (migrating
// records is not a transition).
type TransitionKind string

// The kinds of the feed; see TransitionKind.
const (
	KindEnqueued   TransitionKind = "enqueued"
	KindHeld       TransitionKind = "held"
	KindImported   TransitionKind = "imported"
	KindReleased   TransitionKind = "released"
	KindLeased     TransitionKind = "leased"
	KindSent       TransitionKind = "sent"
	KindDelivered  TransitionKind = "delivered"
	KindRead       TransitionKind = "read"
	KindFailed     TransitionKind = "failed"
	KindDeferred   TransitionKind = "deferred"
	KindRetried    TransitionKind = "retried"
	KindDead       TransitionKind = "dead"
	KindReturned   TransitionKind = "returned"
	KindSuppressed TransitionKind = "suppressed"
	KindRecovered  TransitionKind = "recovered"
	KindPromoted   TransitionKind = "promoted"
	KindCancelled  TransitionKind = "cancelled"
	KindDrained    TransitionKind = "drained"
	KindRequeued   TransitionKind = "requeued"
	KindCleaned    TransitionKind = "cleaned"
	KindDeleted    TransitionKind = "deleted"
)

// Transition is one committed change of one message.
type Transition struct {
	Kind   TransitionKind
	From   Status // "" for a message just created
	To     Status // "" for a message just deleted
	Reason string // the note of its history entry, or the failure
	At     time.Time
	// Message is the message after the change (as it was, when deleted);
	// Before is it before the change, nil for a new one. Both are shared
	// with every subscriber: read them, never modify them.
	Message, Before *Message
	// CallbackID is the outbox row the change wrote (outbox.go), "" when
	// it led to no callback.
	CallbackID string
}

// A Subscriber receives the transitions of each commit that carried any,
// in commit order and, within a commit, in the order they were made. It
// is called on the store's commit loop after the commit is on disk and
// before the writers of that commit are answered, so a store method that
// returned has been seen by every subscriber. It must not block and must
// not call the store's writers (that would wait for the loop it runs on);
// reading the store is allowed. The slice is the subscriber's to keep.
//
// Subscribers are given to Open and fixed for the life of the Store. Open
// itself commits no transition, so a subscriber may finish its own wiring
// (take the *Store) after Open returns, as long as it does so before the
// first write: lease recovery at start (RecoverAllLeases) is such a write
// and is reported as recovered transitions like any other.
type Subscriber func([]Transition)

// CallbackRule decides, inside the write transaction of a transition,
// whether it leads to a status callback: it returns the URL and the exact
// body to POST, or ok false. It runs on the commit loop for every
// transition, so it must be quick and must not touch the store.
type CallbackRule func(t *Transition) (url string, body []byte, ok bool)

// emit records a transition (its reason, when empty, is the note of m's
// last history entry) of the write in progress: it writes the
// callback the rule asks for in the same transaction, and keeps the
// transition for the subscribers, who get it only once the commit is on
// disk. A write that runs again (a neighbour of its batch failed) starts
// with an empty list, so nothing is reported twice.
func (s *Store) emit(tx *bolt.Tx, kind TransitionKind, before, m *Message, reason string) error {
	if s.cur == nil || len(s.subs) == 0 {
		if s.rule == nil {
			return nil
		}
		t := s.describe(kind, before, m, reason)
		return s.writeCallback(tx, &t)
	}
	// Kept in place: the transition's address is taken only in the list,
	// so it is not allocated once for each message of a bulk enqueue.
	s.cur.changes = append(s.cur.changes, s.describe(kind, before, m, reason))
	if s.rule == nil {
		return nil
	}
	return s.writeCallback(tx, &s.cur.changes[len(s.cur.changes)-1])
}

// describe is the transition of m's change of kind from before, with reason (else
// the note of m's last history entry).
func (s *Store) describe(kind TransitionKind, before, m *Message, reason string) Transition {
	if reason == "" && len(m.History) > 0 {
		reason = m.History[len(m.History)-1].Note
	}
	t := Transition{Kind: kind, Message: m, Before: before, Reason: reason, At: m.UpdatedAt}
	if before != nil {
		t.From = before.Status
	}
	if kind != KindCleaned && kind != KindDeleted {
		t.To = m.Status
	} else {
		t.At = s.now()
	}
	return t
}

// expectChanges makes room for n transitions of the write in progress.
func (s *Store) expectChanges(n int) {
	if s.cur != nil && len(s.subs) > 0 {
		s.cur.changes = slices.Grow(s.cur.changes, n)
	}
}

// publish hands the transitions of a committed batch to the subscribers.
func (s *Store) publish(batch []*call) {
	if len(s.subs) == 0 {
		return
	}
	var ts []Transition
	for _, c := range batch {
		ts = append(ts, c.changes...)
	}
	if len(ts) == 0 {
		return
	}
	for _, sub := range s.subs {
		sub(ts)
	}
}

// gatewayKind is the kind of a status a gateway reported.
func gatewayKind(st Status) TransitionKind {
	switch st {
	case Sent:
		return KindSent
	case Delivered:
		return KindDelivered
	case Read:
		return KindRead
	}
	return KindFailed
}
