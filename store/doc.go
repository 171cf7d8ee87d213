// Package store keeps every waq record in one bbolt file. It is the message
// store: messages and their indexes (ready by priority, schedule by due
// time, leases, states with the dead letters among them, gateway ids,
// idempotency keys), queue counters and settings, inbound messages,
// instances and opt-outs, with backup and the file's check.
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
// Only store and the packages under it import bbolt. Two of them keep their
// records in the same file and commit in the same loop: store/keyspace (the
// Redis keyspace and the mirror's replication state) and store/statsdb (the
// analytics buckets). The seam they use is small (share.go): Store.Update
// and Store.View run a function in the group commit or a read transaction,
// Store.Now is the store's clock, and RegisterBuckets, called from their
// init, names the buckets Open creates and Check requires. Nothing in store
// knows what those buckets hold.
//
// The domain types (Message, Status, Priority, Error) live here too, since
// every other package of waq speaks them. Error's codes here are those the
// store and its neighbours return; ui adds the HTTP-only ones.
package store
