package stats

import (
	"errors"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

func ptr[T any](v T) *T { return &v }

func TestEventValidate(t *testing.T) {
	now := trStart
	f := func(e ClientEvent, field string) {
		t.Helper()
		err := e.ValidateAt(now)
		var se *store.Error
		switch {
		case field == "" && err != nil:
			t.Fatalf("%+v: %v", e, err)
		case field == "":
		case !errors.As(err, &se) || se.Code != store.EINVALID || se.Field != field || se.Message == "":
			t.Fatalf("%+v: error %v, want one on %q", e, err, field)
		}
	}
	const c = "+34600111222"
	f(ClientEvent{Type: "handoff", Contact: c}, "")
	f(ClientEvent{Type: "conversation_started", Contact: c, Campaign: "spring"}, "")
	f(ClientEvent{Type: "conversation_ended", Contact: c, At: ptr(now.Add(-time.Hour))}, "")
	f(ClientEvent{Type: "message_received", Contact: c}, "")
	f(ClientEvent{Type: "conversion", Kind: "lead", Contact: c}, "")
	f(ClientEvent{Type: "conversion", Kind: "sale", Contact: c, Value: ptr(1200.0), Currency: "EUR"}, "")
	f(ClientEvent{Type: "conversion", Kind: "appointment", Contact: c, Value: ptr(0.0), Currency: "USD"}, "")
	f(ClientEvent{Type: "conversion", Kind: "sale", Contact: c, At: ptr(now.Add(EventFutureMax))}, "")
	f(ClientEvent{Type: "conversion", Kind: "sale", Contact: c, At: ptr(now.Add(-MinuteRetentionDefault))}, "")

	f(ClientEvent{Contact: c}, "type")
	f(ClientEvent{Type: "click", Contact: c}, "type")
	f(ClientEvent{Type: "conversion", Contact: c}, "kind")
	f(ClientEvent{Type: "conversion", Kind: "purchase", Contact: c}, "kind")
	f(ClientEvent{Type: "handoff", Kind: "lead", Contact: c}, "kind")
	f(ClientEvent{Type: "handoff", Contact: c, Value: ptr(1.0)}, "value")
	f(ClientEvent{Type: "handoff"}, "contact")
	f(ClientEvent{Type: "handoff", Contact: "600111222"}, "contact")
	f(ClientEvent{Type: "handoff", Contact: "+0600111222"}, "contact")
	f(ClientEvent{Type: "conversion", Kind: "sale", Contact: c, Value: ptr(-1.0), Currency: "EUR"}, "value")
	f(ClientEvent{Type: "conversion", Kind: "sale", Contact: c, Value: ptr(10.0)}, "currency")
	f(ClientEvent{Type: "conversion", Kind: "sale", Contact: c, Value: ptr(10.0), Currency: "eur"}, "currency")
	f(ClientEvent{Type: "conversion", Kind: "sale", Contact: c, Value: ptr(10.0), Currency: "EURO"}, "currency")
	f(ClientEvent{Type: "conversion", Kind: "sale", Contact: c, Currency: "EUR"}, "currency")
	f(ClientEvent{Type: "handoff", Contact: c, Campaign: string(make([]byte, 257))}, "campaign")
	f(ClientEvent{Type: "handoff", Contact: c, At: ptr(now.Add(EventFutureMax + time.Second))}, "at")
	f(ClientEvent{Type: "handoff", Contact: c, At: ptr(now.Add(-MinuteRetentionDefault - time.Second))}, "at")
}

func TestTrackEvents(t *testing.T) {
	f := func(evs []ClientEvent, want string) {
		t.Helper()
		r := newTrRig(t)
		if err := r.tr.Track(evs); err != nil {
			t.Fatal(err)
		}
		if got := summary(r.day(t, DimCampaign("spring"))); got != want {
			t.Fatalf("counted %q, want %q", got, want)
		}
	}
	const c = "+34600111222"
	ev := func(typ, kind string) ClientEvent {
		return ClientEvent{Type: typ, Kind: kind, Contact: c, Campaign: "spring"}
	}
	f([]ClientEvent{ev("handoff", "")}, "handoffs=1")
	f([]ClientEvent{ev("conversation_started", ""), ev("conversation_ended", "")}, "started=1 ended=1")
	f([]ClientEvent{ev("conversion", "lead"), ev("conversion", "qualified_lead"), ev("conversion", "appointment")},
		"leads=1 qualified=1 appointments=1")
	sale := ev("conversion", "sale")
	sale.Value, sale.Currency = ptr(1200.5), "EUR"
	f([]ClientEvent{sale, sale}, "sales=2 EUR=2401")
	f([]ClientEvent{ev("message_received", "")}, "received=1 started=1")
	// An explicit start puts the contact in a conversation: its message
	// right after starts no second one; an end lets the next one start.
	f([]ClientEvent{ev("conversation_started", ""), ev("message_received", "")}, "received=1 started=1")
	f([]ClientEvent{ev("message_received", ""), ev("conversation_ended", ""), ev("message_received", "")},
		"received=2 started=2 ended=1")
}

func TestTrackEventTimes(t *testing.T) {
	r := newTrRig(t)
	at := trStart.Add(-3 * time.Hour)
	if err := r.tr.Track([]ClientEvent{{Type: "handoff", Contact: "+34600111222", At: &at}, {Type: "handoff", Contact: "+34600111222"}}); err != nil {
		t.Fatal(err)
	}
	r.day(t, DimAll)
	if c := r.record(t, Hour, at, DimAll); c.Handoffs != 1 {
		t.Fatalf("hour of at: %q", summary(c))
	}
	if c := r.record(t, Minute, trStart, DimAll); c.Handoffs != 1 { // at defaults to now
		t.Fatalf("minute of now: %q", summary(c))
	}
}

func TestTrackAllOrNothing(t *testing.T) {
	r := newTrRig(t)
	good := ClientEvent{Type: "handoff", Contact: "+34600111222"}
	err := r.tr.Track([]ClientEvent{good, {Type: "handoff"}, good, {Type: "conversion", Contact: "+34600111222"}})
	var se *store.Error
	if !errors.As(err, &se) || se.Code != store.EINVALID || len(se.Items) != 2 ||
		se.Items[0] != (store.ItemError{Index: 1, Field: "contact", Message: se.Items[0].Message}) ||
		se.Items[1].Index != 3 || se.Items[1].Field != "kind" {
		t.Fatalf("error %#v", err)
	}
	if c := r.day(t, DimAll); !c.IsZero() {
		t.Fatalf("a refused batch counted %q", summary(c))
	}
	r.st.Close()
	if err := r.tr.Track([]ClientEvent{good}); store.ErrorCode(err) != store.EUNAVAILABLE {
		t.Fatalf("track on a closed store: %v", err)
	}
	if len(r.tr.pending) != 0 {
		t.Fatal("a batch whose contacts could not be read counted")
	}
}
