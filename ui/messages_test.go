package ui_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

func TestEnqueue(t *testing.T) {
	b := setup(t)
	f := func(body string, check func(m store.Message) bool) {
		t.Helper()
		r := b.do(t, "POST", "/v1/messages", body).want(t, http.StatusCreated)
		m := decode[store.Message](t, r)
		if len(m.ID) != 20 || !m.CreatedAt.Equal(start) || m.Attempts != 0 || len(m.History) != 1 || !check(m) {
			t.Fatalf("enqueue %s: %s", body, r.body)
		}
		got, err := b.st.Message(m.ID)
		if err != nil || got.To != m.To {
			t.Fatalf("not stored: %v", err)
		}
	}
	f(`{"to":"+34600111222","text":"Hola"}`, func(m store.Message) bool {
		return m.Type == "text" && m.Text == "Hola" && m.Priority == "normal" && m.Status == "queued" && m.MaxAttempts == 4
	})
	f(`{"to":"+34600111222","text":"Hola","priority":"high","campaign":"c1","instance":"sales-1","max_attempts":2,"metadata":{"lead":7}}`,
		func(m store.Message) bool {
			return m.Priority == "high" && m.Campaign == "c1" && m.Instance == "sales-1" && m.MaxAttempts == 2 && m.Metadata["lead"] == 7.0
		})
	f(`{"to":"+34600111222","media":{"url":"https://x.test/a.jpg","kind":"image","caption":"casa"}}`, func(m store.Message) bool {
		return m.Type == "media" && m.Media.Kind == "image"
	})
	f(`{"to":"+34600111222","template":{"name":"cita","language":"es","components":[]},"callback_url":"https://cb.test/x"}`,
		func(m store.Message) bool {
			return m.Type == "template" && m.Template.Name == "cita" && m.CallbackURL != ""
		})
	f(`{"to":"+34600111222","text":"`+strings.Repeat("ñ", store.TextMax)+`"}`, func(m store.Message) bool { return true })
}

func TestMaxAttemptsDefault(t *testing.T) {
	f := func(maxAttempts, want int) {
		t.Helper()
		b := setup(t, func(o *ui.Options) { o.MaxAttempts = maxAttempts })
		if m := b.message(t, `{"to":"+34600111222","text":"x"}`); m.MaxAttempts != want {
			t.Fatalf("MaxAttempts %d: max_attempts %d, want %d", maxAttempts, m.MaxAttempts, want)
		}
	}
	f(0, store.MaxAttemptsDefault)
	f(1, 1) // WAQ_RETRY_MAX=0: one try, no retries
	f(4, 4)
	f(8, 8)
}

func TestIdempotency(t *testing.T) {
	b := setup(t)
	f := func(body string, headers []string, wantCode int, wantID string) string {
		t.Helper()
		r := b.do(t, "POST", "/v1/messages", body, headers...).want(t, wantCode)
		m := decode[store.Message](t, r)
		if wantID != "" && m.ID != wantID {
			t.Fatalf("id %s, want the first %s", m.ID, wantID)
		}
		return m.ID
	}
	first := f(`{"to":"+34600111222","text":"a","idempotency_key":"k1"}`, nil, http.StatusCreated, "")
	f(`{"to":"+34600111222","text":"b","idempotency_key":"k1"}`, nil, http.StatusOK, first)
	f(`{"to":"+34600111222","text":"c"}`, []string{"Idempotency-Key", "k1"}, http.StatusOK, first)
	second := f(`{"to":"+34600111222","text":"d"}`, []string{"Idempotency-Key", "k2"}, http.StatusCreated, "")
	f(`{"to":"+34600111222","text":"d"}`, []string{"Idempotency-Key", "k2"}, http.StatusOK, second)
	f(`{"to":"+34600111222","text":"d","idempotency_key":"k2"}`, []string{"Idempotency-Key", "k2"}, http.StatusOK, second)
	if n := b.counts(t)[store.Queued]; n != 2 {
		t.Fatalf("queued %d, want 2", n)
	}
	before := b.counts(t)
	b.do(t, "POST", "/v1/messages", `{"to":"+34600111222","text":"d","idempotency_key":"k3"}`, "Idempotency-Key", "k4").
		wantError(t, http.StatusUnprocessableEntity, "invalid", "idempotency_key")
	b.unchanged(t, before)
}

func TestSchedule(t *testing.T) {
	b := setup(t)
	f := func(fields string, want store.Status, wantAt time.Time) {
		t.Helper()
		m := b.message(t, `{"to":"+34600111222","text":"x",`+fields+`}`)
		if m.Status != want || (wantAt.IsZero() != (m.SendAt == nil)) || m.SendAt != nil && !m.SendAt.Equal(wantAt) {
			t.Fatalf("%s: status %s send_at %v", fields, m.Status, m.SendAt)
		}
	}
	f(`"send_at":"2026-11-26T12:00:00Z"`, store.Scheduled, start.Add(2*time.Hour))
	f(`"send_at":"2026-11-26T13:00:00+02:00"`, store.Scheduled, start.Add(time.Hour))
	f(`"delay":"90s"`, store.Scheduled, start.Add(90*time.Second))
	f(`"delay":"0s"`, store.Queued, start)
	f(`"send_at":"2026-11-26T09:00:00Z"`, store.Queued, start.Add(-time.Hour))
	if n := b.counts(t)[store.Scheduled]; n != 3 {
		t.Fatalf("scheduled %d, want 3", n)
	}
}

func TestBulk(t *testing.T) {
	b := setup(t)
	r := b.do(t, "POST", "/v1/messages/bulk", `{"messages":[
		{"to":"+34600111222","text":"a"},
		{"to":"+34600111223","text":"b","priority":"low"},
		{"to":"+34600111224","text":"c","delay":"1h"}]}`).want(t, http.StatusCreated)
	ids := decode[struct{ IDs []string }](t, r).IDs
	if len(ids) != 3 {
		t.Fatalf("ids %v", ids)
	}
	for i, want := range []store.Status{store.Queued, store.Queued, store.Scheduled} {
		if m := decode[store.Message](t, b.do(t, "GET", "/v1/messages/"+ids[i], "").want(t, 200)); m.Status != want {
			t.Fatalf("item %d: %s, want %s", i, m.Status, want)
		}
	}
	// The Idempotency-Key header makes a bulk request repeatable.
	body := `{"messages":[{"to":"+34600111222","text":"a"},{"to":"+34600111222","text":"b"}]}`
	first := decode[struct{ IDs []string }](t, b.do(t, "POST", "/v1/messages/bulk", body, "Idempotency-Key", "batch-7").want(t, 201)).IDs
	before := b.counts(t)
	again := decode[struct{ IDs []string }](t, b.do(t, "POST", "/v1/messages/bulk", body, "Idempotency-Key", "batch-7").want(t, 201)).IDs
	if fmt.Sprint(first) != fmt.Sprint(again) {
		t.Fatalf("repeated bulk: %v then %v", first, again)
	}
	b.unchanged(t, before)
}

func TestBulkAllOrNothing(t *testing.T) {
	b := setup(t)
	type item struct {
		index int
		field string
	}
	f := func(body string, code int, errCode, field string, want ...item) {
		t.Helper()
		before := b.counts(t)
		e := b.do(t, "POST", "/v1/messages/bulk", body).wantError(t, code, errCode, field)
		if len(e.Items) != len(want) {
			t.Fatalf("items %+v, want %v", e.Items, want)
		}
		for i, w := range want {
			if e.Items[i].Index != w.index || e.Items[i].Field != w.field || e.Items[i].Message == "" {
				t.Fatalf("item %d: %+v, want %v", i, e.Items[i], w)
			}
		}
		b.unchanged(t, before)
	}
	long := strings.Repeat("x", store.TextMax+1)
	f(`{"messages":[{"to":"+34600111222","text":"ok"},{"to":"0034","text":"x"},{"to":"+34600111222","text":"`+long+`"}]}`,
		422, "invalid", "", item{1, "to"}, item{2, "text"})
	f(`{"messages":[{"to":"+34600111222","text":"ok"},{"to":"+34600111222","text":"x","priority":"urgent"}]}`,
		422, "invalid", "", item{1, "priority"})
	f(`{"messages":[{"to":"+34600111222","text":"ok","delay":"soon"}]}`, 422, "invalid", "", item{0, "delay"})
	// Items the API refuses and items the store refuses are named together.
	f(`{"messages":[{"to":"0034","text":"x"},{"to":"+34600111222","text":"ok","delay":"soon"},{"to":"+34600111222","text":"ok"}]}`,
		422, "invalid", "", item{0, "to"}, item{1, "delay"})
	f(`{"messages":[{"to":"+34600111222","text":"ok"},{"to":5},{"to":"+34600111222","text":"x","id":"x"},7]}`,
		400, "bad_request", "", item{1, "to"}, item{2, "id"}, item{3, ""})
	f(`{"messages":[]}`, 422, "invalid", "messages")
	f(`{}`, 422, "invalid", "messages")
	f(`{"messages":{}}`, 400, "bad_request", "messages")
	f(`{"messages":[],"extra":1}`, 400, "bad_request", "extra")
	many := strings.TrimSuffix(strings.Repeat(`{"to":"+34600111222","text":"x"},`, store.BulkMax+1), ",")
	f(`{"messages":[`+many+`]}`, 422, "invalid", "messages")
	if n := b.counts(t)[store.Queued]; n != 0 {
		t.Fatalf("queued %d after bad bulks", n)
	}
}

func TestBulkMax(t *testing.T) {
	b := setup(t)
	many := strings.TrimSuffix(strings.Repeat(`{"to":"+34600111222","text":"x"},`, store.BulkMax), ",")
	ids := decode[struct{ IDs []string }](t, b.do(t, "POST", "/v1/messages/bulk", `{"messages":[`+many+`]}`).want(t, 201)).IDs
	if len(ids) != store.BulkMax || b.counts(t)[store.Queued] != store.BulkMax {
		t.Fatalf("stored %d of %d", len(ids), store.BulkMax)
	}
}

func TestGetAndCancel(t *testing.T) {
	b := setup(t)
	m := b.message(t, `{"to":"+34600111222","text":"x","delay":"1h"}`)
	got := decode[store.Message](t, b.do(t, "GET", "/v1/messages/"+m.ID, "").want(t, 200))
	if got.ID != m.ID || len(got.History) != 1 || got.History[0].Status != store.Scheduled {
		t.Fatalf("get: %+v", got)
	}
	f := func(method, path string, code int, errCode string) {
		t.Helper()
		r := b.do(t, method, path, "")
		if errCode != "" {
			r.wantError(t, code, errCode, "")
			return
		}
		if m := decode[store.Message](t, r.want(t, code)); m.Status != store.Cancelled || len(m.History) != 2 {
			t.Fatalf("cancel: %s", r.body)
		}
	}
	f("GET", "/v1/messages/0000000000000000000a", 404, "not_found")
	f("GET", "/v1/messages/nope", 404, "not_found")
	f("DELETE", "/v1/messages/"+m.ID, 200, "")
	f("DELETE", "/v1/messages/"+m.ID, 409, "conflict")
	f("DELETE", "/v1/messages/0000000000000000000a", 404, "not_found")
	f("DELETE", "/v1/messages/"+b.sent(t).ID, 409, "conflict")
}

// Concurrent requests with one idempotency key store one message.
func TestConcurrentIdempotency(t *testing.T) {
	b := setup(t)
	const n = 16
	codes := make(chan int, n)
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := b.do(t, "POST", "/v1/messages", `{"to":"+34600111222","text":"x"}`, "Idempotency-Key", "same")
			codes <- r.code
			var m store.Message
			if json.Unmarshal(r.body, &m) == nil {
				ids <- m.ID
			}
		}()
	}
	wg.Wait()
	close(codes)
	close(ids)
	created := 0
	for c := range codes {
		if c == http.StatusCreated {
			created++
		} else if c != http.StatusOK {
			t.Fatalf("status %d", c)
		}
	}
	first := ""
	for id := range ids {
		if first == "" {
			first = id
		}
		if id != first {
			t.Fatalf("two ids: %s and %s", first, id)
		}
	}
	if created != 1 || b.counts(t)[store.Queued] != 1 {
		t.Fatalf("%d created, %d queued", created, b.counts(t)[store.Queued])
	}
}
