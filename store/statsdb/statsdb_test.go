package statsdb

import (
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/waqhq/waq/store"
)

// bundle is a real bbolt file in a temp dir, closed when the test ends.
type bundle struct{ s *store.Store }

func setup(t *testing.T) *bundle {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &bundle{s: s}
}

// mustCheck runs the store's check, which requires the analytics buckets.
func (b *bundle) mustCheck(t *testing.T) {
	t.Helper()
	probs, err := b.s.Check()
	if err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", err, probs)
	}
}

func TestStatsRecords(t *testing.T) {
	b := setup(t)
	put := func(k, v string) {
		t.Helper()
		if err := Update(b.s, func(tx Tx) error { return tx.Put(Hour, []byte(k), []byte(v)) }); err != nil {
			t.Fatal(err)
		}
	}
	put("1a", "x")
	put("2a", "y")
	put("3a", "z")
	var got []string
	err := View(b.s, func(tx Tx) error {
		if v := tx.Get(Hour, []byte("2a")); string(v) != "y" {
			t.Fatalf("get 2a = %q", v)
		}
		tx.Scan(Hour, []byte("1"), []byte("3"), func(k, v []byte) bool {
			got = append(got, string(k)+"="+string(v))
			return true
		})
		if k := tx.Seek(Hour, []byte("2b")); string(k) != "3a" {
			t.Fatalf("seek 2b = %q", k)
		}
		return nil
	})
	if err != nil || len(got) != 2 || got[0] != "1a=x" || got[1] != "2a=y" {
		t.Fatalf("scan = %v, %v", got, err)
	}
	if err := View(b.s, func(tx Tx) error { return tx.Put(Hour, []byte("k"), nil) }); err == nil {
		t.Fatal("a write in a read transaction succeeded")
	}
	n, err := DeleteRange(b.s, Hour, nil, []byte("3"), 1)
	if err != nil || n != 1 {
		t.Fatalf("delete = %d, %v", n, err)
	}
	n, _ = DeleteRange(b.s, Hour, nil, []byte("3"), 10)
	if n != 1 {
		t.Fatalf("second delete = %d, want 1", n)
	}
	b.mustCheck(t)
}

// A file written before stats_contact_hours existed checks sound read-only;
// the next read-write Open creates the bucket.
func TestCheckOlderFileWithoutContactHours(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte(ContactHours)) })
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if probs, err := store.Check(path); err != nil || len(probs) > 0 {
		t.Fatalf("check of an older file: %v %v", err, probs)
	}
	s, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := View(s, func(tx Tx) error { tx.Get(ContactHours, []byte("+34600111222")); return nil }); err != nil {
		t.Fatal(err)
	}
}
