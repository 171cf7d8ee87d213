// Package statsdb keeps the analytics records of package stats in the
// message store's bbolt file: five buckets of bytes whose keys and encoding
// stats owns, so that neither store nor this package knows what is counted.
// Its writes commit with the store's other writers (one fsync for all),
// through the seam store offers (store.Store's Update and View, and
// store.RegisterBuckets, so that store.Open creates the buckets and
// store.Check requires them).
package statsdb

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"github.com/waqhq/waq/store"
)

// Bucket names one bucket of analytics records.
type Bucket string

// The analytics buckets.
const (
	Minute    Bucket = "stats_minute"    // counters per minute
	Hour      Bucket = "stats_hour"      // counters per hour
	Day       Bucket = "stats_day"       // counters per day in the reports' time zone
	Contacts  Bucket = "stats_contacts"  // per contact: last activity, for conversations and response times
	Campaigns Bucket = "stats_campaigns" // per campaign: costs and metadata
	// ContactHours holds per contact its reads and replies by weekday and
	// hour, for the best hour to send; kept apart from Contacts, whose
	// states are dropped after days of silence.
	ContactHours Bucket = "stats_contact_hours"
)

func init() {
	for _, b := range []Bucket{Minute, Hour, Day, Contacts, Campaigns} {
		store.RegisterBuckets([]byte(b))
	}
	store.RegisterLaterBuckets([]byte(ContactHours)) // newer than files in use

}

// DB is what the analytics records need of the message store
// (*store.Store): its group commit and its read transactions.
type DB interface {
	Update(fn func(*bolt.Tx) error) error
	View(fn func(*bolt.Tx) error) error
}

// Tx reads and writes analytics records inside one transaction. Values
// returned by Get and passed to Scan are valid only until the transaction
// ends; copy what must outlive it.
type Tx struct {
	tx *bolt.Tx
}

// Get returns the record at key, or nil.
func (t Tx) Get(b Bucket, key []byte) []byte {
	return t.tx.Bucket([]byte(b)).Get(key)
}

// Put stores val at key. It fails in a read-only transaction.
func (t Tx) Put(b Bucket, key, val []byte) error {
	return t.tx.Bucket([]byte(b)).Put(key, val)
}

// Delete removes key. It fails in a read-only transaction.
func (t Tx) Delete(b Bucket, key []byte) error {
	return t.tx.Bucket([]byte(b)).Delete(key)
}

// Scan calls fn for each record with from <= key < to in key order (to nil
// means to the end) until fn returns false.
func (t Tx) Scan(b Bucket, from, to []byte, fn func(k, v []byte) bool) {
	c := t.tx.Bucket([]byte(b)).Cursor()
	for k, v := c.Seek(from); k != nil && (to == nil || bytes.Compare(k, to) < 0); k, v = c.Next() {
		if !fn(k, v) {
			return
		}
	}
}

// Seek returns the first key at or after from, or nil; for walking
// distinct prefixes without reading every record.
func (t Tx) Seek(b Bucket, from []byte) []byte {
	k, _ := t.tx.Bucket([]byte(b)).Cursor().Seek(from)
	return k
}

// Update runs fn in a write transaction of db that commits with the other
// writers of the moment (one fsync for all). An error from fn rolls back
// fn's writes and fails only this call; store.ErrClosed after Close.
func Update(db DB, fn func(t Tx) error) error {
	return db.Update(func(tx *bolt.Tx) error { return fn(Tx{tx}) })
}

// View runs fn in a read transaction of db; store.ErrClosed after Close.
func View(db DB, fn func(t Tx) error) error {
	return db.View(func(tx *bolt.Tx) error { return fn(Tx{tx}) })
}

// DeleteRange deletes at most limit records of b with from <= key < to and
// returns how many it deleted, for retention.
func DeleteRange(db DB, b Bucket, from, to []byte, limit int) (int, error) {
	n := 0
	err := db.Update(func(tx *bolt.Tx) error {
		n = 0
		c := tx.Bucket([]byte(b)).Cursor()
		for k, _ := c.Seek(from); k != nil && bytes.Compare(k, to) < 0 && n < limit; k, _ = c.Seek(from) {
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
