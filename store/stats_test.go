package store

import (
	"testing"
)

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
	if _, _, err := s.Report("gw", Read, b.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Report("gw", Read, b.clock.Now(), ""); err != nil { // a repeat changes nothing
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
