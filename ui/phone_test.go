package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/waqhq/waq/phone"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/ui"
)

// The API takes numbers in the forms clients write them, stores them in
// E.164 and refuses, naming the field, what is no number of the plan.
func TestPhoneForms(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.DefaultRegion = phone.RegionDefault })
	f := func(to, want string) {
		t.Helper()
		m := b.message(t, `{"to":"`+to+`","text":"x"}`)
		if m.To != want {
			t.Errorf("to %q stored as %q, want %q", to, m.To, want)
		}
	}
	f("+34600111222", "+34600111222")
	f("+34 600 11 12 22", "+34600111222")
	f("0034600111222", "+34600111222")
	f("600111222", "+34600111222") // national, in ES: not Malaysia's +60
	f("34600111222", "+34600111222")
	f("34600111222@s.whatsapp.net", "+34600111222")
	f("+351 912 345 678", "+351912345678")

	bad := func(to, field, says string) {
		t.Helper()
		before := b.counts(t)
		e := b.do(t, "POST", "/v1/messages", `{"to":"`+to+`","text":"x"}`).wantError(t, 422, "invalid", field)
		if !strings.Contains(e.Message, says) {
			t.Errorf("to %q: message %q, want it to say %q", to, e.Message, says)
		}
		b.unchanged(t, before)
	}
	bad("+600111222", "to", "not a valid number of +60 (MY): too short")
	bad("1371234567@lid", "to", "privacy id (@lid), not a phone number")
	bad("120363025@g.us", "to", "group, not a phone number")
	bad("600111222x", "to", "holds 'x'")

	e := b.do(t, "POST", "/v1/messages/bulk", `{"messages":[{"to":"600111222","text":"x"},{"to":"1@lid","text":"x"}]}`).
		wantError(t, 422, "invalid", "")
	if len(e.Items) != 1 || e.Items[0].Index != 1 || e.Items[0].Field != "to" {
		t.Errorf("bulk error items %+v, want item 1 on to", e.Items)
	}
}

// Opt-outs take the same forms, so a contact added as "600 111 222" is the
// +34600111222 that messages go to, and is deleted by either form.
func TestPhoneOptouts(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.DefaultRegion = phone.RegionDefault })
	b.do(t, "POST", "/v1/optouts", `{"contact":"600 111 222"}`).want(t, http.StatusCreated)
	b.do(t, "POST", "/v1/optouts", `{"contact":"+34600111222"}`).want(t, http.StatusOK) // already there
	b.do(t, "POST", "/v1/optouts", `{"contact":"1371@lid"}`).wantError(t, 422, "invalid", "contact")
	b.do(t, "DELETE", "/v1/optouts/600111222", "").want(t, http.StatusOK)
	b.do(t, "DELETE", "/v1/optouts/%2B34600111222", "").wantError(t, 404, "not_found", "")
}

// Every route that reads a number reads it as POST /v1/messages does: the
// list's to and an event's contact take a national number too.
func TestPhoneEverywhere(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.DefaultRegion = phone.RegionDefault })
	m := b.message(t, `{"to":"600111222","text":"x"}`)
	for _, q := range []string{"600111222", "600%20111%20222", "%2B34600111222", "+34600111222", "34600111222"} {
		p := decode[page](t, b.do(t, "GET", "/v1/messages?to="+q, "").want(t, http.StatusOK))
		if len(p.Messages) != 1 || p.Messages[0].ID != m.ID {
			t.Errorf("to=%s: %d messages", q, len(p.Messages))
		}
	}
	b.do(t, "GET", "/v1/messages?to=1371234567@lid", "").wantError(t, 422, "invalid", "to")
	b.do(t, "GET", "/v1/dlq?to=600111222x", "").wantError(t, 422, "invalid", "to")
	b.do(t, "DELETE", "/v1/optouts/600%20111%20222", "").wantError(t, 404, "not_found", "")
}

// An event's contact in a national form counts as the number it means.
func TestPhoneEvents(t *testing.T) {
	tr := &stats.Tracker{}
	b := setup(t, func(o *ui.Options) { o.Events, o.DefaultRegion = tr, phone.RegionDefault })
	tr.Store, tr.Now = b.st, b.clock.Now
	b.do(t, "POST", "/v1/events", `{"type":"handoff","contact":"600 111 222"}`).want(t, http.StatusAccepted)
	b.do(t, "POST", "/v1/events", `{"type":"handoff","contact":"1371@lid"}`).wantError(t, 422, "invalid", "contact")
	if c := eventTotals(t, b, tr); c.Handoffs != 1 {
		t.Fatalf("counted %+v", c)
	}
}
