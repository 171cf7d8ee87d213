package store

import (
	"errors"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/phone"
)

// An Intake fills what a draft leaves out, by the same rule the store's
// writers apply, and reads numbers in its region.
func TestIntakeDefaults(t *testing.T) {
	c := timetest.NewClock()
	in := Intake{Region: "ES", MaxAttempts: 6, Now: c.Now}
	two := 2
	f := func(d Draft, check func(m *Message) bool) {
		t.Helper()
		m, err := in.Message(&d)
		if err != nil || !check(m) {
			t.Fatalf("%+v: %+v, %v", d, m, err)
		}
	}
	f(Draft{To: "600 111 222", Text: "x"}, func(m *Message) bool {
		return m.To == "+34600111222" && m.Type == TypeText && m.Priority == Normal && m.MaxAttempts == 6 && m.SendAt == nil
	})
	f(Draft{To: "+34600111222", Media: &Media{URL: "https://x.test/a.jpg", Kind: "image"}, MaxAttempts: &two}, func(m *Message) bool {
		return m.Type == TypeMedia && m.MaxAttempts == 2
	})
	f(Draft{To: "+34600111222", Template: &Template{Name: "t", Language: "es"}, Delay: "90s"}, func(m *Message) bool {
		return m.Type == TypeTemplate && m.SendAt.Equal(c.Now().Add(90*time.Second))
	})
	f(Draft{To: "+34600111222", Text: "x", SendAt: "2026-11-26T12:00:00+01:00"}, func(m *Message) bool {
		return m.SendAt.Equal(c.Now().Add(time.Hour))
	})
	zero := Intake{}
	if m, err := zero.Message(&Draft{To: "+34600111222", Text: "x"}); err != nil || m.MaxAttempts != MaxAttemptsDefault {
		t.Fatalf("zero Intake: %+v, %v", m, err)
	}
}

// Every refusal names its field, before anything is stored.
func TestIntakeRefuses(t *testing.T) {
	in := Intake{Now: timetest.NewClock().Now}
	zero, many := 0, MaxAttemptsMax+1
	f := func(d Draft, field string) {
		t.Helper()
		_, err := in.Message(&d)
		var e *Error
		if !errors.As(err, &e) || e.Code != EINVALID || e.Field != field {
			t.Fatalf("%+v: %v, want invalid %s", d, err, field)
		}
	}
	f(Draft{To: "600111222", Text: "x"}, "to") // no region: the country code is needed
	f(Draft{To: "+34600111222", Text: "x", SendAt: "tomorrow"}, "send_at")
	f(Draft{To: "+34600111222", Text: "x", SendAt: "2026-11-26T12:00:00Z", Delay: "1h"}, "delay")
	f(Draft{To: "+34600111222", Text: "x", Delay: "-1s"}, "delay")
	f(Draft{To: "+34600111222", Text: "x", Delay: "44000h"}, "delay")
	f(Draft{To: "+34600111222", Text: "x", SendAt: "2036-01-01T00:00:00Z"}, "send_at")
	f(Draft{To: "+34600111222", Text: "x", MaxAttempts: &zero}, "max_attempts")
	f(Draft{To: "+34600111222", Text: "x", MaxAttempts: &many}, "max_attempts")
	f(Draft{To: "+34600111222", Text: "x", Priority: "urgent"}, "priority")
	f(Draft{To: "+34600111222", Type: TypeMedia, Text: "x"}, "media")

	// The importer counts WhatsApp ids apart: the phone's error is kept.
	_, err := in.Message(&Draft{To: "1371234567@lid", Text: "x"})
	var perr *phone.Error
	if !errors.Is(err, phone.ErrNotPhone) || !errors.As(err, &perr) || ErrorCode(err) != EINVALID {
		t.Fatalf("a @lid: %v", err)
	}
}

// A bulk request's error names every bad item, in order.
func TestIntakeMessages(t *testing.T) {
	in := Intake{}
	ok := Draft{To: "+34600111222", Text: "x"}
	_, err := in.Messages([]Draft{ok, {To: "x", Text: "x"}, ok, {To: "+34600111222"}})
	var e *Error
	if !errors.As(err, &e) || len(e.Items) != 2 || e.Items[0] != (ItemError{Index: 1, Field: "to", Message: e.Items[0].Message}) ||
		e.Items[1] != (ItemError{Index: 3, Field: "text", Message: "is required for a text message"}) {
		t.Fatalf("bulk: %+v", err)
	}
	if _, err := in.Messages(nil); ErrorCode(err) != EINVALID {
		t.Fatalf("an empty bulk: %v", err)
	}
	if ms, err := in.Messages([]Draft{ok, ok}); err != nil || len(ms) != 2 {
		t.Fatalf("a good bulk: %v", err)
	}
}

func TestSendType(t *testing.T) {
	f := func(m Message, want string) {
		t.Helper()
		if got := m.SendType(); got != want {
			t.Fatalf("%+v: %s, want %s", m, got, want)
		}
	}
	f(Message{Type: TypeText}, TypeText)
	f(Message{Type: TypeText, SentAs: TypeTemplate}, TypeTemplate)
	f(Message{Media: &Media{}}, TypeMedia) // a record that names no type
	f(Message{}, TypeText)
}
