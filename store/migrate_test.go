package store

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// legacyFile fills a store with messages in several states and rewrites
// their records as the JSON records of the code before recordV1; the first
// is testdata/legacy-record.json, written by that code. It returns the
// messages as they read before the rewrite.
func legacyFile(t *testing.T, b *bundle, bulk int) map[string]*Message {
	t.Helper()
	first := b.enqueue(t, &Message{To: "+34600111222", Text: "Hola ñ <b>", Campaign: "bf",
		Metadata: map[string]any{"order": 42}, IdempotencyKey: "k1"})
	b.lease(t)
	b.clock.Add(time.Second)
	if _, err := b.s.MarkSent(first.ID, "wamid.1", TypeText, "main"); err != nil {
		t.Fatal(err)
	}
	later := b.clock.Now().Add(time.Hour)
	b.enqueue(t, &Message{To: "+34600111223", Text: "luego", SendAt: &later, Priority: High})
	b.enqueue(t, &Message{To: "+34600111224", Template: &Template{Name: "t", Language: "es"}})
	dead := b.enqueue(t, text("+34600111225", "muere"))
	b.lease(t) // the template message, left sending
	if m := b.lease(t); m.ID != dead.ID {
		t.Fatalf("leased %s, want %s", m.ID, dead.ID)
	}
	if _, err := b.s.Fail(dead.ID, "bad number", true, backoff); err != nil {
		t.Fatal(err)
	}
	for done := 0; done < bulk; done += BulkMax {
		ms := make([]*Message, min(bulk-done, BulkMax))
		for i := range ms {
			ms[i] = typical(done + i)
		}
		if _, err := b.s.EnqueueBulk(ms); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile("testdata/legacy-record.json")
	if err != nil {
		t.Fatal(err)
	}
	golden = bytes.ReplaceAll(bytes.TrimSpace(golden), []byte("06h1ej1l0134c9l694de"), []byte(first.ID))
	want := make(map[string]*Message)
	err = b.s.db.Update(func(tx *bolt.Tx) error {
		mb := tx.Bucket(bucketMessages)
		_ = mb.ForEach(func(k, v []byte) error {
			m, err := decode(string(k), v)
			if err != nil {
				t.Fatal(err)
			}
			want[m.ID] = m
			return nil
		})
		for id, m := range want {
			j, err := json.Marshal((*legacy)(m))
			if id == first.ID {
				j, m.TriedBy = golden, "" // the legacy record predates tried_by, and opens without it
			}
			if err != nil || mb.Put([]byte(id), j) != nil {
				t.Fatal(err)
			}
		}
		return tx.Bucket(bucketMeta).Delete(keyRecords)
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// sameMessages checks that every message reads as want says, that every
// record is recordV1 when migrated is true, and that check passes.
func sameMessages(t *testing.T, s *Store, want map[string]*Message, migrated bool) {
	t.Helper()
	err := s.view(func(tx *bolt.Tx) error {
		n := 0
		err := tx.Bucket(bucketMessages).ForEach(func(k, v []byte) error {
			n++
			if migrated && v[0] != recordV1 {
				t.Fatalf("message %s: still JSON", k)
			}
			got, err := get(tx, string(k))
			if err != nil || !reflect.DeepEqual(got, want[string(k)]) {
				t.Fatalf("message %s reads\n%+v %v\nwant\n%+v", k, got, err, want[string(k)])
			}
			return nil
		})
		if n != len(want) {
			t.Fatalf("%d messages, want %d", n, len(want))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if probs, err := s.Check(); err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", err, probs)
	}
}

func TestMigrateJSONRecords(t *testing.T) {
	b := setup(t)
	want := legacyFile(t, b, 10)
	sameMessages(t, b.s, want, false) // the JSON file reads as it is
	if err := b.s.Close(); err != nil {
		t.Fatal(err)
	}
	if probs, err := Check(b.path); err != nil || len(probs) > 0 { // waq check opens read-only: no migration
		t.Fatalf("check before migration: %v %v", err, probs)
	}
	b.s = b.open(t)
	sameMessages(t, b.s, want, true)
	if got, err := b.s.Message(firstID(want)); err != nil || got.Metadata["order"] != 42.0 || got.GatewayMessageID != "wamid.1" {
		t.Fatalf("the golden record reads %+v %v", got, err)
	}
}

func firstID(ms map[string]*Message) string {
	first := ""
	for id := range ms {
		if first == "" || id < first {
			first = id
		}
	}
	return first
}

// A migration cut short after its first transaction leaves a file that reads
// and checks, and the next open finishes it.
func TestMigrateResumes(t *testing.T) {
	b := setup(t)
	want := legacyFile(t, b, 2*migrateMax+500)
	err := b.s.db.Update(func(tx *bolt.Tx) error {
		n, next, err := migrateBatch(tx, nil)
		if n != migrateMax || next == nil {
			t.Fatalf("first batch rewrote %d, next %q", n, next)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sameMessages(t, b.s, want, false)
	if err := b.s.Close(); err != nil {
		t.Fatal(err)
	}
	b.s = b.open(t)
	sameMessages(t, b.s, want, true)
	n, err := migrateRecords(b.s.db) // once done, an open does not scan again
	if err != nil || n != 0 {
		t.Fatalf("second migration rewrote %d: %v", n, err)
	}
}
