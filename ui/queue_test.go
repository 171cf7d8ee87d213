package ui_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got, indented, with testdata/name, or rewrites the file
// with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("indent: %v", err)
	}
	goldenBytes(t, name, buf.Bytes())
}

func TestQueueGolden(t *testing.T) {
	instances := []ui.Instance{
		{Name: "sales-1", Gateway: "evolution", State: "active", Rate: "80/1m", SentLastWindow: 12},
		{Name: "sales-2", Gateway: "cloudapi", State: "paused", PausedReason: "token expired", Rate: "10/2s", SentLastWindow: 3},
	}
	b := setup(t, func(o *ui.Options) { o.Instances = func() []ui.Instance { return instances } })
	for _, body := range []string{
		`{"to":"+34600111222","text":"a","priority":"low"}`,
		`{"to":"+34600111222","text":"b"}`,
		`{"to":"+34600111222","text":"c","priority":"high"}`,
		`{"to":"+34600111222","text":"d","priority":"high"}`,
		`{"to":"+34600111222","text":"e","delay":"1h"}`,
	} {
		b.message(t, body)
		b.clock.Add(10 * time.Second)
	}
	b.dead(t, "c1", "not on WhatsApp")
	b.sent(t)
	m := b.message(t, `{"to":"+34600111222","text":"f"}`)
	b.do(t, "DELETE", "/v1/messages/"+m.ID, "").want(t, 200)
	b.do(t, "POST", "/v1/queue/pause", "").want(t, 200)
	b.clock.Add(40 * time.Second)
	golden(t, "queue.golden.json", b.do(t, "GET", "/v1/queue", "").want(t, 200).body)
}

func TestQueueEmpty(t *testing.T) {
	b := setup(t)
	q := decode[map[string]json.RawMessage](t, b.do(t, "GET", "/v1/queue", "").want(t, 200))
	counts := decode[map[string]int](t, resp{body: q["counts"]})
	if len(counts) != len(store.Statuses) {
		t.Fatalf("counts %v: want all %d states", counts, len(store.Statuses))
	}
	prios := decode[map[string]int](t, resp{body: q["by_priority"]})
	if len(prios) != len(store.Priorities) {
		t.Fatalf("by_priority %v", prios)
	}
	for _, k := range []string{"paused", "instances", "oldest_queued_age_seconds", "sent_last_minute", "throughput_per_minute"} {
		if q[k] == nil {
			t.Fatalf("no %s in %s", k, b.do(t, "GET", "/v1/queue", "").body)
		}
	}
	if string(q["instances"]) != "[]" || string(q["oldest_queued_age_seconds"]) != "0" {
		t.Fatalf("empty queue: %s", b.do(t, "GET", "/v1/queue", "").body)
	}
}

func TestPauseResume(t *testing.T) {
	b := setup(t)
	f := func(path string, want bool) {
		t.Helper()
		if got := decode[struct{ Paused bool }](t, b.do(t, "POST", path, "").want(t, 200)); got.Paused != want {
			t.Fatalf("%s: paused %v", path, got.Paused)
		}
		if got := decode[struct{ Paused bool }](t, b.do(t, "GET", "/v1/queue", "").want(t, 200)); got.Paused != want {
			t.Fatalf("queue after %s: paused %v", path, got.Paused)
		}
		if p, _ := b.st.Paused(); p != want {
			t.Fatalf("store after %s: paused %v", path, p)
		}
	}
	f("/v1/queue/pause", true)
	b.message(t, `{"to":"+34600111222","text":"enqueue goes on while paused"}`)
	f("/v1/queue/pause", true)
	f("/v1/queue/resume", false)
	b.do(t, "GET", "/v1/queue/pause", "").wantError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
}

func TestDrain(t *testing.T) {
	b := setup(t)
	for _, body := range []string{`{"to":"+34600111222","text":"a"}`, `{"to":"+34600111222","text":"b","priority":"low"}`, `{"to":"+34600111222","text":"c","delay":"1h"}`} {
		b.message(t, body)
	}
	b.dead(t, "", "x")
	b.sent(t)
	if got := decode[map[string]int](t, b.do(t, "POST", "/v1/queue/drain", "").want(t, 200)); got["removed"] != 3 || len(got) != 1 {
		t.Fatalf("drain: %v", got)
	}
	c := b.counts(t)
	if c[store.Queued]+c[store.Scheduled] != 0 || c[store.Cancelled] != 3 || c[store.Dead] != 1 || c[store.Sent] != 1 {
		t.Fatalf("after drain: %v", c)
	}
	if got := decode[map[string]int](t, b.do(t, "POST", "/v1/queue/drain", "").want(t, 200)); got["removed"] != 0 {
		t.Fatalf("second drain: %v", got)
	}
}

func TestClean(t *testing.T) {
	b := setup(t)
	for i := 0; i < 3; i++ {
		b.sent(t)
	}
	b.clock.Add(2 * time.Hour)
	b.sent(t)
	b.dead(t, "", "x")
	f := func(body string, want int, left map[store.Status]int) {
		t.Helper()
		if got := decode[map[string]int](t, b.do(t, "POST", "/v1/queue/clean", body).want(t, 200)); got["removed"] != want {
			t.Fatalf("%s: removed %v, want %d", body, got, want)
		}
		for st, n := range left {
			if got := b.counts(t)[st]; got != n {
				t.Fatalf("%s: %d %s left, want %d", body, got, st, n)
			}
		}
	}
	f(`{"status":"sent","older_than":"3h"}`, 0, map[store.Status]int{store.Sent: 4})
	f(`{"status":"sent","older_than":"1h","limit":2}`, 2, map[store.Status]int{store.Sent: 2})
	f(`{"status":"sent","older_than":"1h"}`, 1, map[store.Status]int{store.Sent: 1})
	b.clock.Add(time.Second)
	f(`{"status":"dead","older_than":"0s"}`, 1, map[store.Status]int{store.Sent: 1, store.Dead: 0})
}

func TestCleanBadInput(t *testing.T) {
	b := setup(t)
	b.sent(t)
	b.clock.Add(time.Hour)
	f := func(body string, code int, errCode, field string) {
		t.Helper()
		before := b.counts(t)
		b.do(t, "POST", "/v1/queue/clean", body).wantError(t, code, errCode, field)
		b.unchanged(t, before)
	}
	f(`{"older_than":"1s"}`, 422, "invalid", "status")
	f(`{"status":"queued","older_than":"1s"}`, 422, "invalid", "status")
	f(`{"status":"lost","older_than":"1s"}`, 422, "invalid", "status")
	f(`{"status":"sent"}`, 422, "invalid", "older_than")
	f(`{"status":"sent","older_than":"-1h"}`, 422, "invalid", "older_than")
	f(`{"status":"sent","older_than":"yesterday"}`, 422, "invalid", "older_than")
	f(`{"status":"sent","older_than":"1s","limit":0}`, 422, "invalid", "limit")
	f(`{"status":"sent","older_than":"1s","limit":100001}`, 422, "invalid", "limit")
	f(`{"status":"sent","older_than":"1s","limit":"10"}`, 400, "bad_request", "limit")
	f(`{"status":"sent","older_than":3600}`, 400, "bad_request", "older_than")
	f(`{"status":"sent","older_than":"1s","force":true}`, 400, "bad_request", "force")
	f(``, 400, "bad_request", "")
}
