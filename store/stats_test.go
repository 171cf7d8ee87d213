package store

import (
	"testing"
)

func TestStatsRecords(t *testing.T) {
	b := setup(t)
	put := func(k, v string) {
		t.Helper()
		if err := b.s.StatsUpdate(func(tx StatsTx) error { return tx.Put(StatsHour, []byte(k), []byte(v)) }); err != nil {
			t.Fatal(err)
		}
	}
	put("1a", "x")
	put("2a", "y")
	put("3a", "z")
	var got []string
	err := b.s.StatsView(func(tx StatsTx) error {
		if v := tx.Get(StatsHour, []byte("2a")); string(v) != "y" {
			t.Fatalf("get 2a = %q", v)
		}
		tx.Scan(StatsHour, []byte("1"), []byte("3"), func(k, v []byte) bool {
			got = append(got, string(k)+"="+string(v))
			return true
		})
		if k := tx.Seek(StatsHour, []byte("2b")); string(k) != "3a" {
			t.Fatalf("seek 2b = %q", k)
		}
		return nil
	})
	if err != nil || len(got) != 2 || got[0] != "1a=x" || got[1] != "2a=y" {
		t.Fatalf("scan = %v, %v", got, err)
	}
	if err := b.s.StatsView(func(tx StatsTx) error { return tx.Put(StatsHour, []byte("k"), nil) }); err == nil {
		t.Fatal("a write in a read transaction succeeded")
	}
	n, err := b.s.StatsDeleteRange(StatsHour, nil, []byte("3"), 1)
	if err != nil || n != 1 {
		t.Fatalf("delete = %d, %v", n, err)
	}
	n, _ = b.s.StatsDeleteRange(StatsHour, nil, []byte("3"), 10)
	if n != 1 {
		t.Fatalf("second delete = %d, want 1", n)
	}
	b.mustCheck(t)
}

func TestOnChange(t *testing.T) {
	b := setup(t)
	var seen []string
	b.s.Close()
	s, err := Open(b.path, Options{Now: b.clock.Now, OnChange: func(old, m *Message) {
		from := "new"
		if old != nil {
			from = string(old.Status)
		}
		seen = append(seen, from+">"+string(m.Status))
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b.s = s
	m := b.enqueue(t, text("+34600111222", "hola"))
	b.lease(t)
	if _, err := s.MarkSent(m.ID, "gw", TypeText, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ReportStatus("gw", Read, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ReportStatus("gw", Read, b.clock.Now(), ""); err != nil { // a repeat changes nothing
		t.Fatal(err)
	}
	want := []string{"new>queued", "sending>sent", "sent>read"}
	if len(seen) != len(want) {
		t.Fatalf("changes = %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("changes = %v, want %v", seen, want)
		}
	}
}
