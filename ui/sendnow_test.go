package ui_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// sendNowReply is the answer of POST /v1/messages/send-now.
type sendNowReply struct {
	Queued  int             `json:"queued"`
	Skipped []store.Skipped `json:"skipped"`
}

func TestSendNow(t *testing.T) {
	b := setup(t)
	later := b.message(t, `{"to":"+34600111222","text":"later","delay":"2h"}`)
	queued := b.message(t, `{"to":"+34600111222","text":"now"}`)
	dead := b.dead(t, "", "not on WhatsApp")
	b.clock.Add(time.Minute)
	r := b.do(t, "POST", "/v1/messages/send-now",
		`{"ids":["`+later.ID+`","`+queued.ID+`","`+dead.ID+`","0000000000000000000a"]}`).want(t, http.StatusOK)
	got := decode[sendNowReply](t, r)
	want := `{"queued":1,"skipped":[{"id":"` + queued.ID + `","status":"queued"},{"id":"` + dead.ID +
		`","status":"dead"},{"id":"0000000000000000000a","status":"not_found"}]}`
	if strings.TrimSpace(string(r.body)) != want || got.Queued != 1 {
		t.Fatalf("send now: %s\nwant %s", r.body, want)
	}
	if m, _ := b.st.Message(later.ID); m.Status != store.Queued || !m.SendAt.Equal(b.clock.Now()) {
		t.Fatalf("the scheduled message after send now: %+v", m)
	}
	// Nothing left to send now: every id skipped, still 200.
	got = decode[sendNowReply](t, b.do(t, "POST", "/v1/messages/send-now", `{"ids":["`+later.ID+`"]}`).want(t, http.StatusOK))
	if got.Queued != 0 || len(got.Skipped) != 1 || got.Skipped[0].Status != "queued" {
		t.Fatalf("again: %+v", got)
	}
}

// Bad bodies are refused with the field at fault and change nothing.
func TestSendNowInvalid(t *testing.T) {
	b := setup(t)
	later := b.message(t, `{"to":"+34600111222","text":"later","delay":"2h"}`)
	before := b.counts(t)
	f := func(body string, status int, code, field string) {
		t.Helper()
		b.do(t, "POST", "/v1/messages/send-now", body).wantError(t, status, code, field)
		b.unchanged(t, before)
	}
	f(``, http.StatusBadRequest, "bad_request", "")
	f(`[]`, http.StatusBadRequest, "bad_request", "")
	f(`{"ids":"`+later.ID+`"}`, http.StatusBadRequest, "bad_request", "ids")
	f(`{"ids":["`+later.ID+`"],"all":true}`, http.StatusBadRequest, "bad_request", "all")
	f(`{}`, http.StatusUnprocessableEntity, "invalid", "ids")
	f(`{"ids":[]}`, http.StatusUnprocessableEntity, "invalid", "ids")
	f(`{"ids":["`+later.ID+`",""]}`, http.StatusUnprocessableEntity, "invalid", "ids")
	f(`{"ids":[`+strings.Repeat(`"`+later.ID+`",`, store.BulkMax)+`"x"]}`, http.StatusUnprocessableEntity, "invalid", "ids")
	b.do(t, "GET", "/v1/messages/send-now", "").wantError(t, http.StatusNotFound, "not_found", "")
}
