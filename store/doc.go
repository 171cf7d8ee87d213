// Package store keeps every waq record in one bbolt file: messages and their
// indexes (ready by priority, schedule by due time, leases, states with the
// dead letters among them, gateway ids, idempotency keys), queue counters and
// settings. It is the only package that imports bbolt.
//
// Every write that a caller is told succeeded has been committed with fsync.
// Concurrent writers share commits: a single committer goroutine runs every
// write that is waiting when the previous commit ends in one transaction, so
// 64 concurrent enqueues cost a handful of fsyncs, not 64.
//
// Every committed transition of a message is told by name to the
// subscribers given to Open, in commit order (feed.go), and a transition
// that leads to a status callback writes its row into the callback outbox
// in the same commit (outbox.go).
//
// The domain types (Message, Status, Priority, Error) live here too, since
// every other package of waq speaks them.
package store
