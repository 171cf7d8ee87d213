package store

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// An entry is one index record that a message's state implies. Every write
// of a message removes the entries of its old version and adds those of the
// new one, so the indexes cannot drift from the records.
type entry struct {
	bucket []byte
	key    []byte
	val    []byte
}

// entries lists the index records of m:
//
//	ready        rank(1) id               queued messages, by priority then age
//	schedule     due(8) id                scheduled and retrying, by due time
//	leases       deadline(8) id           sending, by lease deadline
//	states       status(1) changed(8) id  every message, by state then change time
//	gateway_ids  gateway id -> id
//	idempotency  key -> id
func entries(m *Message) []entry {
	// One allocation holds every key and the id: a bulk enqueue builds
	// these for each of its messages. The keys stay untouched until the
	// commit, as bbolt requires.
	buf := keyBuf(make([]byte, 0, 3*len(m.ID)+18+len(m.GatewayMessageID)+len(m.IdempotencyKey)))
	id := buf.put([]byte(nil), m.ID)
	es := make([]entry, 0, 4)
	switch m.Status {
	case Queued:
		es = append(es, entry{bucketReady, buf.put([]byte{byte(m.Priority.rank())}, m.ID), nil})
	case Scheduled, Retrying:
		es = append(es, entry{bucketSchedule, buf.timed(m.due(), m.ID), nil})
	case Sending:
		if m.LeaseUntil != nil {
			es = append(es, entry{bucketLeases, buf.timed(*m.LeaseUntil, m.ID), nil})
		}
	}
	es = append(es, entry{bucketStates, buf.stated(m.Status, m.UpdatedAt, m.ID), nil})
	if m.GatewayMessageID != "" {
		es = append(es, entry{bucketGateway, buf.put(nil, m.GatewayMessageID), id})
	}
	if m.IdempotencyKey != "" {
		es = append(es, entry{bucketIdempotency, buf.put(nil, m.IdempotencyKey), id})
	}
	return es
}

// keyBuf hands out keys cut from one buffer whose capacity was sized for
// all of them, so none moves once handed out.
type keyBuf []byte

// put appends prefix and s to the buffer and returns them as one key.
func (b *keyBuf) put(prefix []byte, s string) []byte {
	start := len(*b)
	*b = append(append(*b, prefix...), s...)
	return (*b)[start:len(*b):len(*b)]
}

// timed appends t and s as one key.
func (b *keyBuf) timed(t time.Time, s string) []byte {
	start := len(*b)
	*b = append(binary.BigEndian.AppendUint64(*b, nanos(t)), s...)
	return (*b)[start:len(*b):len(*b)]
}

// stated appends st, t and s as one key.
func (b *keyBuf) stated(st Status, t time.Time, s string) []byte {
	start := len(*b)
	*b = append(binary.BigEndian.AppendUint64(append(*b, st.code()), nanos(t)), s...)
	return (*b)[start:len(*b):len(*b)]
}

func timeKey(t time.Time, id []byte) []byte {
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, nanos(t))
	return append(k, id...)
}

func nanos(t time.Time) uint64 {
	if n := t.UnixNano(); n > 0 {
		return uint64(n)
	}
	return 0
}

func keyTime(k []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])))
}

// fillSequential is how full bbolt leaves the left page of a split in the
// buckets whose keys mostly grow in order (ids are time-ordered; states and
// leases keys start with a time): bbolt's default, 0.5, would leave every
// page of a growing queue half empty. BenchmarkFileSize sets it to compare.
var fillSequential = 0.9

// writable returns bucket name of tx with the fill its keys call for.
func writable(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	switch string(name) {
	case string(bucketMessages), string(bucketReady), string(bucketStates), string(bucketLeases):
		b.FillPercent = fillSequential
	}
	return b
}

// save writes m, replacing old (nil for a new message), with its indexes.
func save(tx *bolt.Tx, old, m *Message) error {
	data, err := encodeRecord(make([]byte, 0, 192), m)
	if err != nil {
		return err
	}
	return saveRecord(tx, old, m, data)
}

// saveRecord is save with m's record already encoded, so that a writer can
// encode it before its turn in the commit rather than during it.
func saveRecord(tx *bolt.Tx, old, m *Message, data []byte) error {
	if old != nil {
		if err := unindex(tx, old); err != nil {
			return err
		}
	}
	if err := putRecord(tx, m, data); err != nil {
		return err
	}
	return addCounts(tx, m, 1)
}

// putRecord writes m's record and index entries, leaving its counters to
// the caller.
func putRecord(tx *bolt.Tx, m *Message, data []byte) error {
	return putIndexed(tx, m, data, entries(m))
}

// putIndexed is putRecord with m's index entries already built, so that a
// writer can build them before its turn in the commit.
func putIndexed(tx *bolt.Tx, m *Message, data []byte, es []entry) error {
	for _, e := range es {
		if err := writable(tx, e.bucket).Put(e.key, e.val); err != nil {
			return fmt.Errorf("index %s: %w", e.bucket, err)
		}
	}
	return writable(tx, bucketMessages).Put([]byte(m.ID), data)
}

// counts gathers counter changes to write once: a bulk enqueue of 1000
// messages moves the same two counters 1000 times.
type counts map[string]int64

func (c counts) add(m *Message, delta int64) {
	if m.Status == Queued {
		c[priorityCountKey(m.Priority)] += delta
	}
	c[string(m.Status)] += delta
}

func (c counts) write(tx *bolt.Tx) error {
	for k, d := range c {
		if err := addCount(tx, []byte(k), d); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes m and its indexes.
func remove(tx *bolt.Tx, m *Message) error {
	if err := unindex(tx, m); err != nil {
		return err
	}
	return writable(tx, bucketMessages).Delete([]byte(m.ID))
}

func unindex(tx *bolt.Tx, m *Message) error {
	for _, e := range entries(m) {
		if err := tx.Bucket(e.bucket).Delete(e.key); err != nil {
			return fmt.Errorf("unindex %s: %w", e.bucket, err)
		}
	}
	return addCounts(tx, m, -1)
}

// addCounts keeps the counters of m's state, and of its priority while
// queued, so that counting the queue reads a few keys.
func addCounts(tx *bolt.Tx, m *Message, delta int64) error {
	if deferCount(tx, m, delta) { // the commit loop writes them once (counts.go)
		return nil
	}
	if m.Status == Queued {
		if err := addCount(tx, countKey(priorityCountKeys, m.Priority.rank(), string(m.Priority)), delta); err != nil {
			return err
		}
	}
	return addCount(tx, countKey(statusCountKey, int(m.Status.code()), string(m.Status)), delta)
}

func priorityCountKey(p Priority) string { return "queued:" + string(p) }

// The counters' keys as bytes, built once: every write of a message moves
// one or two of them, and bbolt takes keys as bytes.
var (
	statusCountKey    = keysOf(len(Statuses), func(i int) string { return string(Statuses[i]) })
	priorityCountKeys = keysOf(len(Priorities), func(i int) string { return priorityCountKey(Priorities[i]) })
)

func keysOf(n int, name func(int) string) [][]byte {
	ks := make([][]byte, n)
	for i := range ks {
		ks[i] = []byte(name(i))
	}
	return ks
}

// countKey returns keys[i], or the bytes of key for a value out of the
// table (a status or priority waq does not know, kept as it was read).
func countKey(keys [][]byte, i int, key string) []byte {
	if i >= 0 && i < len(keys) {
		return keys[i]
	}
	return []byte(key)
}

// addCount moves the counter at k by delta. bbolt copies k on Put, so a
// shared key is safe.
func addCount(tx *bolt.Tx, k []byte, delta int64) error {
	b := tx.Bucket(bucketCounts)
	var n int64
	if v := b.Get(k); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += delta
	if n < 0 {
		n = 0
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(n))
	return b.Put(k, v[:])
}

func getCount(tx *bolt.Tx, key string) int {
	if v := tx.Bucket(bucketCounts).Get([]byte(key)); len(v) == 8 {
		return int(binary.BigEndian.Uint64(v))
	}
	return 0
}

// get reads one message. It returns ENOTFOUND when there is none.
func get(tx *bolt.Tx, id string) (*Message, error) {
	var data []byte
	if validID(id) {
		data = tx.Bucket(bucketMessages).Get([]byte(id))
	}
	if data == nil {
		return nil, Errorf(ENOTFOUND, "message %q not found", id)
	}
	return decode(id, data)
}
