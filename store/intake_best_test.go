package store

import (
	"errors"
	"testing"
	"time"
)

// send_at "best" asks BestHour with the contact, the campaign, the time
// and within, and its answer becomes the send time and the first history
// note of the stored message.
func TestIntakeBest(t *testing.T) {
	b := setup(t)
	st, clock := b.s, b.clock
	at := clock.Now().Add(10 * time.Hour)
	var asked []any
	in := Intake{Now: clock.Now, BestHour: func(contact, campaign string, from time.Time, within time.Duration) (time.Time, string, error) {
		asked = []any{contact, campaign, from, within}
		return at, "best hour: 20:00", nil
	}}
	f := func(within string, wantWithin time.Duration) {
		t.Helper()
		m, err := in.Message(&Draft{To: "+34600111222", Text: "x", Campaign: "promo", SendAt: SendAtBest, Within: within})
		if err != nil {
			t.Fatal(err)
		}
		if asked[0] != "+34600111222" || asked[1] != "promo" || !asked[2].(time.Time).Equal(clock.Now()) || asked[3] != wantWithin {
			t.Fatalf("BestHour asked %v", asked)
		}
		m, _, err = st.Enqueue(m)
		if err != nil {
			t.Fatal(err)
		}
		if !m.SendAt.Equal(at) || m.Status != Scheduled || m.History[0].Note != "best hour: 20:00" {
			t.Fatalf("stored %v %s %+v", m.SendAt, m.Status, m.History)
		}
		got, err := st.Message(m.ID)
		if err != nil || got.History[0].Note != "best hour: 20:00" {
			t.Fatalf("read back %+v, %v", got, err)
		}
	}
	f("", WithinDefault)
	f("6h", 6*time.Hour)
}

func TestIntakeBestRefuses(t *testing.T) {
	best := func(string, string, time.Time, time.Duration) (time.Time, string, error) {
		return time.Time{}, "", errors.New("not asked")
	}
	f := func(in Intake, d Draft, field string) {
		t.Helper()
		d.To, d.Text = "+34600111222", "x"
		_, err := in.Message(&d)
		var e *Error
		if !errors.As(err, &e) || e.Code != EINVALID || e.Field != field {
			t.Fatalf("%+v: %v, want invalid %s", d, err, field)
		}
	}
	in := Intake{BestHour: best}
	f(in, Draft{SendAt: SendAtBest, Within: "tomorrow"}, "within")
	f(in, Draft{SendAt: SendAtBest, Within: "30m"}, "within")
	f(in, Draft{SendAt: SendAtBest, Within: "169h"}, "within")
	f(in, Draft{SendAt: SendAtBest, Within: "-24h"}, "within")
	f(in, Draft{Within: "24h"}, "within")
	f(in, Draft{SendAt: "2026-11-26T12:00:00Z", Within: "24h"}, "within")
	f(in, Draft{SendAt: SendAtBest, Delay: "1h"}, "delay")
	f(Intake{}, Draft{SendAt: SendAtBest}, "send_at")
}
