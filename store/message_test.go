package store

import (
	"strings"
	"testing"
	"time"
)

func TestEnqueueDefaults(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "Hola"))
	if m.Status != Queued || m.Priority != Normal || m.Type != TypeText || m.MaxAttempts != MaxAttemptsDefault {
		t.Fatalf("defaults: %+v", m)
	}
	if len(m.ID) != idLen || !m.CreatedAt.Equal(b.clock.Now()) || len(m.History) != 1 {
		t.Fatalf("id, time or history: %+v", m)
	}
	got, err := b.s.Message(m.ID)
	if err != nil || got.Text != "Hola" || got.Status != Queued {
		t.Fatalf("read back: %+v %v", got, err)
	}
	b.mustCheck(t)
}

func TestValidate(t *testing.T) {
	b := setup(t)
	f := func(m *Message, field string) {
		t.Helper()
		_, _, err := b.s.Enqueue(m)
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || e.Field != field {
			t.Fatalf("%+v: got %v, want invalid %s", m, err, field)
		}
	}
	f(text("600111222", "x"), "to")
	f(text("+0600111222", "x"), "to")
	f(text("+34 600 111 222", "x"), "to")
	f(text("+3460011122233344", "x"), "to")
	f(text("+34600111222", ""), "text")
	f(text("+34600111222", strings.Repeat("ñ", TextMax+1)), "text")
	f(&Message{To: "+34600111222", Text: "x", Priority: "urgent"}, "priority")
	f(&Message{To: "+34600111222", Type: "sticker"}, "type")
	f(&Message{To: "+34600111222", Media: &Media{URL: "ftp://x/y", Kind: "image"}}, "media.url")
	f(&Message{To: "+34600111222", Media: &Media{URL: "https://x/y.png", Kind: "gif"}}, "media.kind")
	f(&Message{To: "+34600111222", Template: &Template{Language: "es"}}, "template.name")
	f(&Message{To: "+34600111222", Text: "x", CallbackURL: "not a url"}, "callback_url")
	f(&Message{To: "+34600111222", Text: "x", MaxAttempts: -1}, "max_attempts")
	if n := b.counts(t)[Queued]; n != 0 {
		t.Fatalf("invalid messages were stored: %d", n)
	}
	// The longest text is fine.
	b.enqueue(t, text("+34600111222", strings.Repeat("ñ", TextMax)))
}

func TestIDsSortInCreationOrder(t *testing.T) {
	var g idGen
	now := time.Now()
	prev := ""
	for i := 0; i < 10000; i++ {
		id := g.next(now.Add(time.Duration(i%3) * time.Millisecond)) // also the same and earlier ms
		if id <= prev || !validID(id) {
			t.Fatalf("id %d %q after %q", i, id, prev)
		}
		prev = id
	}
}
