package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// StatsBucket names one bucket of analytics records. The store keeps their
// bytes; package stats owns their keys and encoding, so the store holds no
// knowledge of what is counted.
type StatsBucket string

// The analytics buckets.
const (
	StatsMinute    StatsBucket = "stats_minute"    // counters per minute
	StatsHour      StatsBucket = "stats_hour"      // counters per hour
	StatsDay       StatsBucket = "stats_day"       // counters per day in the reports' time zone
	StatsContacts  StatsBucket = "stats_contacts"  // per contact: last activity, for conversations and response times
	StatsCampaigns StatsBucket = "stats_campaigns" // per campaign: costs and metadata
)

var statsBuckets = []StatsBucket{StatsMinute, StatsHour, StatsDay, StatsContacts, StatsCampaigns}

// StatsTx reads and writes analytics records inside one transaction. Values
// returned by Get and passed to Scan are valid only until the transaction
// ends; copy what must outlive it.
type StatsTx struct {
	tx *bolt.Tx
}

// Get returns the record at key, or nil.
func (t StatsTx) Get(b StatsBucket, key []byte) []byte {
	return t.tx.Bucket([]byte(b)).Get(key)
}

// Put stores val at key. It fails in a read-only transaction.
func (t StatsTx) Put(b StatsBucket, key, val []byte) error {
	return t.tx.Bucket([]byte(b)).Put(key, val)
}

// Delete removes key. It fails in a read-only transaction.
func (t StatsTx) Delete(b StatsBucket, key []byte) error {
	return t.tx.Bucket([]byte(b)).Delete(key)
}

// Scan calls fn for each record with from <= key < to in key order (to nil
// means to the end) until fn returns false.
func (t StatsTx) Scan(b StatsBucket, from, to []byte, fn func(k, v []byte) bool) {
	c := t.tx.Bucket([]byte(b)).Cursor()
	for k, v := c.Seek(from); k != nil && (to == nil || bytes.Compare(k, to) < 0); k, v = c.Next() {
		if !fn(k, v) {
			return
		}
	}
}

// Seek returns the first key at or after from, or nil; for walking
// distinct prefixes without reading every record.
func (t StatsTx) Seek(b StatsBucket, from []byte) []byte {
	k, _ := t.tx.Bucket([]byte(b)).Cursor().Seek(from)
	return k
}

// StatsUpdate runs fn in a write transaction that commits with the other
// writers of the moment (one fsync for all). An error from fn rolls back
// fn's writes and fails only this call.
func (s *Store) StatsUpdate(fn func(t StatsTx) error) error {
	return s.update(func(tx *bolt.Tx) error { return fn(StatsTx{tx}) })
}

// StatsView runs fn in a read transaction.
func (s *Store) StatsView(fn func(t StatsTx) error) error {
	return s.view(func(tx *bolt.Tx) error { return fn(StatsTx{tx}) })
}

// StatsDeleteRange deletes at most limit records with from <= key < to and
// returns how many it deleted, for retention.
func (s *Store) StatsDeleteRange(b StatsBucket, from, to []byte, limit int) (int, error) {
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
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
