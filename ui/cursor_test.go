package ui_test

import (
	"encoding/base64"
	"net/url"
	"testing"
)

// A cursor no page gave is 422 on every list, not an empty page.
func TestBadCursor(t *testing.T) {
	b := setup(t)
	for range 3 {
		b.message(t, `{"to":"+34600111222","text":"x"}`)
	}
	b.dead(t, "c", "gone")
	b.do(t, "POST", "/v1/optouts", `{"contact":"+34600111222"}`).want(t, 201)
	b.do(t, "POST", "/v1/optouts", `{"contact":"+34600111333"}`).want(t, 201)
	page := decode[struct {
		Next string `json:"next_cursor"`
	}](t, b.do(t, "GET", "/v1/messages?limit=1", "").want(t, 200))
	f := func(path, cursor string) {
		t.Helper()
		b.do(t, "GET", path+"cursor="+url.QueryEscape(cursor), "").wantError(t, 422, "invalid", "cursor")
	}
	for _, path := range []string{"/v1/messages?", "/v1/messages?status=queued&", "/v1/dlq?", "/v1/optouts?"} {
		f(path, "garbage")
		f(path, "!!!")
		f(path, base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdefghijklmnopqrstuvwxyz")))
	}
	f("/v1/messages?status=queued&", page.Next) // a cursor of another list
	f("/v1/dlq?", page.Next)
	// Good cursors still page.
	b.do(t, "GET", "/v1/messages?limit=1&cursor="+page.Next, "").want(t, 200)
	op := decode[struct {
		Next string `json:"next_cursor"`
	}](t, b.do(t, "GET", "/v1/optouts?limit=1", "").want(t, 200))
	b.do(t, "GET", "/v1/optouts?limit=1&cursor="+op.Next, "").want(t, 200)
	st := decode[struct {
		Next string `json:"next_cursor"`
	}](t, b.do(t, "GET", "/v1/messages?status=queued&limit=1", "").want(t, 200))
	b.do(t, "GET", "/v1/messages?status=queued&limit=1&cursor="+st.Next, "").want(t, 200)
}
