package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/ui"
)

// withTracker sets up a server whose POST /v1/events feeds a tracker on the
// bundle's store and clock.
func withTracker(t *testing.T) (*bundle, *stats.Tracker) {
	t.Helper()
	tr := &stats.Tracker{}
	b := setup(t, func(o *ui.Options) { o.Events = tr })
	tr.Store, tr.Now = b.st, b.clock.Now
	return b, tr
}

// eventTotals flushes the tracker and returns the day's counters of everything.
func eventTotals(t *testing.T, b *bundle, tr *stats.Tracker) stats.Counters {
	t.Helper()
	if err := tr.Flush(); err != nil {
		t.Fatal(err)
	}
	c, err := stats.ReadRecord(b.st, stats.Day, stats.Day.Start(start, time.UTC), stats.DimAll)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPostEvents(t *testing.T) {
	f := func(body string, accepted int, check func(c stats.Counters) bool) {
		t.Helper()
		b, tr := withTracker(t)
		got := decode[map[string]int](t, b.do(t, "POST", "/v1/events", body).want(t, http.StatusAccepted))
		if len(got) != 1 || got["accepted"] != accepted {
			t.Fatalf("answer %v, want accepted %d", got, accepted)
		}
		if c := eventTotals(t, b, tr); !check(c) {
			t.Fatalf("counted %+v", c)
		}
	}
	f(`{"type":"conversion","kind":"lead","contact":"+34600111222","campaign":"spring","value":1200,"currency":"EUR","at":"2026-11-26T09:59:00Z"}`,
		1, func(c stats.Counters) bool { return c.Leads == 1 && c.Value["EUR"] == 1200 })
	f(`{"type":"handoff","contact":"+34600111222"}`, 1, func(c stats.Counters) bool { return c.Handoffs == 1 })
	f(`{"events":[{"type":"conversation_started","contact":"+34600111222"},{"type":"message_received","contact":"+34600111222"},
		{"type":"conversation_ended","contact":"+34600111222"}]}`,
		3, func(c stats.Counters) bool {
			return c.ConversationsStarted == 1 && c.ConversationsEnded == 1 && c.Received == 1
		})
}

func TestPostEventsErrors(t *testing.T) {
	b, tr := withTracker(t)
	f := func(body string, code int, errCode, field string, items ...string) {
		t.Helper()
		e := b.do(t, "POST", "/v1/events", body).wantError(t, code, errCode, field)
		var got []string
		for _, it := range e.Items {
			got = append(got, fmt.Sprintf("%d:%s", it.Index, it.Field))
		}
		if strings.Join(got, " ") != strings.Join(items, " ") {
			t.Fatalf("items %v, want %v", got, items)
		}
	}
	const ok = `{"type":"handoff","contact":"+34600111222"}`
	f(``, 400, "bad_request", "")
	f(`{`, 400, "bad_request", "")
	f(`[`+ok+`]`, 400, "bad_request", "")
	f(`{"type":"handoff","contact":"+34600111222","extra":1}`, 400, "bad_request", "extra")
	f(`{"type":"conversion","kind":"sale","contact":"+34600111222","value":"12"}`, 400, "bad_request", "value")
	f(`{"events":[`+ok+`],"extra":1}`, 400, "bad_request", "extra")
	f(`{"events":[`+ok+`,{"type":1},null]}`, 400, "bad_request", "", "1:type", "2:")
	f(`{"type":"click","contact":"+34600111222"}`, 422, "invalid", "type")
	f(`{"type":"handoff","contact":"600111222"}`, 422, "invalid", "contact")
	f(`{"type":"handoff","contact":"+34600111222","at":"yesterday"}`, 422, "invalid", "at")
	f(`{"type":"handoff","contact":"+34600111222","at":"2026-11-26T10:06:00Z"}`, 422, "invalid", "at")
	f(`{"events":[]}`, 422, "invalid", "events")
	f(`{"events":[`+ok+`,{"type":"conversion","contact":"+34600111222"},`+ok+`,{"type":"handoff"}]}`,
		422, "invalid", "", "1:kind", "3:contact")
	f(`{"events":[`+strings.Repeat(ok+`,`, ui.EventsMax)+ok+`]}`, 422, "invalid", "events")
	if c := eventTotals(t, b, tr); !c.IsZero() {
		t.Fatalf("refused requests counted %+v", c)
	}
}

func TestPostEventsWithoutTracker(t *testing.T) {
	b := setup(t)
	b.do(t, "POST", "/v1/events", `{"type":"handoff","contact":"+34600111222"}`).wantError(t, http.StatusNotImplemented, "not_implemented", "")
}

func TestPostEventsMaxAccepted(t *testing.T) {
	b, tr := withTracker(t)
	body := `{"events":[` + strings.Repeat(`{"type":"handoff","contact":"+34600111222"},`, ui.EventsMax-1) +
		`{"type":"handoff","contact":"+34600111222"}]}`
	if got := decode[map[string]int](t, b.do(t, "POST", "/v1/events", body).want(t, http.StatusAccepted)); got["accepted"] != ui.EventsMax {
		t.Fatalf("answer %v", got)
	}
	if c := eventTotals(t, b, tr); c.Handoffs != ui.EventsMax {
		t.Fatalf("counted %d handoffs", c.Handoffs)
	}
}
