package ui_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

func TestDLQList(t *testing.T) {
	b := setup(t)
	var ids []string
	for i, reason := range []string{"not on WhatsApp", "invalid payload", "template rejected"} {
		ids = append(ids, b.dead(t, "c"+string(rune('0'+i%2)), reason).ID)
		b.clock.Add(time.Second)
	}
	b.message(t, `{"to":"+34600111222","text":"alive"}`)
	p := decode[page](t, b.do(t, "GET", "/v1/dlq", "").want(t, 200))
	if len(p.Messages) != 3 || p.NextCursor != nil {
		t.Fatalf("dlq: %+v", p)
	}
	for i, m := range p.Messages {
		if m.ID != ids[2-i] || m.Status != store.Dead || m.LastError == "" {
			t.Fatalf("dlq %d: %+v", i, m)
		}
	}
	p = decode[page](t, b.do(t, "GET", "/v1/dlq?limit=2", "").want(t, 200))
	if len(p.Messages) != 2 || p.NextCursor == nil {
		t.Fatalf("first page: %+v", p)
	}
	p = decode[page](t, b.do(t, "GET", "/v1/dlq?limit=2&cursor="+*p.NextCursor, "").want(t, 200))
	if len(p.Messages) != 1 || p.Messages[0].ID != ids[0] || p.NextCursor != nil {
		t.Fatalf("last page: %+v", p)
	}
	p = decode[page](t, b.do(t, "GET", "/v1/dlq?campaign=c1", "").want(t, 200))
	if len(p.Messages) != 1 || p.Messages[0].ID != ids[1] {
		t.Fatalf("campaign c1: %+v", p)
	}
}

func TestDLQRetry(t *testing.T) {
	b := setup(t)
	f := func(body string, headers []string, want int, deadLeft int) {
		t.Helper()
		r := b.do(t, "POST", "/v1/dlq/retry", body, headers...).want(t, 200)
		if got := decode[map[string]int](t, r); got["retried"] != want || len(got) != 1 {
			t.Fatalf("%s: %s, want retried %d", body, r.body, want)
		}
		if n := b.counts(t)[store.Dead]; n != deadLeft {
			t.Fatalf("%s: %d dead left, want %d", body, n, deadLeft)
		}
	}
	a1, a2 := b.dead(t, "a", "x"), b.dead(t, "a", "x")
	b.dead(t, "b", "x")
	b.dead(t, "", "x")
	f(`{"ids":["`+a1.ID+`","0000000000000000000a","junk"]}`, nil, 1, 3)
	m, _ := b.st.Message(a1.ID)
	if m.Status != store.Queued || m.Attempts != 0 {
		t.Fatalf("retried message: %+v", m)
	}
	f(`{"ids":["`+a1.ID+`"]}`, nil, 0, 3) // no longer dead
	f(`{"campaign":"a"}`, nil, 1, 2)
	if m, _ := b.st.Message(a2.ID); m.Status != store.Queued {
		t.Fatalf("campaign retry left %s", m.Status)
	}
	f(`{"campaign":"zzz"}`, nil, 0, 2)
	f(``, nil, 2, 0)
	b.dead(t, "", "x")
	f(`{}`, []string{"Content-Type", "application/json"}, 1, 0)
}

func TestDLQRetryBadInput(t *testing.T) {
	b := setup(t)
	d := b.dead(t, "a", "x")
	f := func(body string, code int, errCode, field string) {
		t.Helper()
		b.do(t, "POST", "/v1/dlq/retry", body).wantError(t, code, errCode, field)
		if n := b.counts(t)[store.Dead]; n != 1 {
			t.Fatalf("%s: a bad request retried", body)
		}
	}
	f(`{"ids":[]}`, 422, "invalid", "ids")
	f(`{"ids":["`+d.ID+`"],"campaign":"a"}`, 422, "invalid", "campaign")
	f(`{"ids":"`+d.ID+`"}`, 400, "bad_request", "ids")
	f(`{"id":"`+d.ID+`"}`, 400, "bad_request", "id")
	f(`{"campaign":"a"`, 400, "bad_request", "")
	f(`[]`, 400, "bad_request", "")
}

func TestDLQDelete(t *testing.T) {
	b := setup(t)
	d := b.dead(t, "", "x")
	alive := b.message(t, `{"to":"+34600111222","text":"x"}`)
	r := b.do(t, "DELETE", "/v1/dlq/"+d.ID, "").want(t, http.StatusOK)
	if got := decode[map[string]string](t, r); got["deleted"] != d.ID {
		t.Fatalf("delete: %s", r.body)
	}
	if _, err := b.st.Message(d.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("still stored: %v", err)
	}
	b.do(t, "DELETE", "/v1/dlq/"+d.ID, "").wantError(t, 404, "not_found", "")
	b.do(t, "DELETE", "/v1/dlq/"+alive.ID, "").wantError(t, 409, "conflict", "")
	if n := b.counts(t)[store.Queued]; n != 1 {
		t.Fatalf("queued %d", n)
	}
}
