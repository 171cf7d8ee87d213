package store

import (
	"bytes"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// checkMax caps the problems one check reports.
const checkMax = 100

// Backup writes a consistent snapshot of the whole file to w, taken in one
// read transaction while writes go on, and returns its size.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.view(func(tx *bolt.Tx) (err error) {
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Check opens the file at path read-only and checks it; see Store.Check.
func Check(path string) ([]string, error) {
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Check()
}

// addedLater names the buckets of a newer version than the file may have
// been written by: the next read-write Open creates them, so a read-only
// check of an older file does not count them missing.
var addedLater = map[string]bool{string(bucketCallbacks): true, string(bucketCallbackDue): true}

// Check runs bbolt's own consistency check, then waq's invariants: every
// message decodes (binary records and the JSON ones of files not yet
// migrated alike) and has exactly the index entries its state implies
// (every queued message in the ready index once, every scheduled and
// retrying one in the schedule index, every sending one in the leases), no
// index entry points elsewhere, and the counters match. It returns the
// problems found, at most checkMax; none means the file is sound.
func (s *Store) Check() ([]string, error) {
	var probs []string
	report := func(format string, args ...any) bool {
		if len(probs) < checkMax {
			probs = append(probs, fmt.Sprintf(format, args...))
		}
		return len(probs) < checkMax
	}
	err := s.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			report("bbolt: %v", err)
		}
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil && !addedLater[string(name)] {
				report("bucket %s is missing", name)
			}
		}
		if len(probs) > 0 {
			return nil
		}
		counts := checkMessages(tx, report)
		checkIndexes(tx, report)
		checkCounts(tx, counts, report)
		return nil
	})
	return probs, err
}

func checkMessages(tx *bolt.Tx, report func(string, ...any) bool) map[string]int {
	counts := make(map[string]int)
	_ = tx.Bucket(bucketMessages).ForEach(func(k, v []byte) error {
		m, err := decode(string(k), v)
		if err != nil || m.ID != string(k) || !m.Status.Valid() {
			report("message %s: cannot decode, or its id or state is wrong", k)
			return nil
		}
		counts[string(m.Status)]++
		if m.Status == Queued {
			counts[priorityCountKey(m.Priority)]++
		}
		for _, e := range entries(m) {
			if got := tx.Bucket(e.bucket).Get(e.key); got == nil || !bytes.Equal(got, e.val) && e.val != nil {
				report("message %s (%s): missing from index %s", m.ID, m.Status, e.bucket)
			}
		}
		return nil
	})
	return counts
}

// idOffset says where the message id starts in the keys of each index; the
// key -> id indexes (-1) hold it in the value.
var idOffset = map[string]int{"ready": 1, "schedule": 8, "leases": 8, "states": 9, "gateway_ids": -1, "idempotency": -1}

func checkIndexes(tx *bolt.Tx, report func(string, ...any) bool) {
	for name, at := range idOffset {
		_ = tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
			id := v
			if at >= 0 {
				id = k[min(at, len(k)):]
			}
			m, err := get(tx, string(id))
			if err != nil {
				report("index %s: entry %x points to no message", name, k)
				return nil
			}
			for _, e := range entries(m) {
				if string(e.bucket) == name && bytes.Equal(e.key, k) {
					return nil
				}
			}
			report("index %s: entry %x does not match message %s (%s)", name, k, m.ID, m.Status)
			return nil
		})
	}
}

func checkCounts(tx *bolt.Tx, counts map[string]int, report func(string, ...any) bool) {
	keys := make([]string, 0, len(Statuses)+len(Priorities))
	for _, st := range Statuses {
		keys = append(keys, string(st))
	}
	for _, p := range Priorities {
		keys = append(keys, priorityCountKey(p))
	}
	for _, k := range keys {
		if got := getCount(tx, k); got != counts[k] {
			report("counter %s is %d; the messages say %d", k, got, counts[k])
		}
	}
}
