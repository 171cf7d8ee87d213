package ui_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender/callback"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// setupOutbox is setup with the callback rule on, and n cancelled messages
// whose callbacks wait in the outbox, the first of them failing once.
func setupOutbox(t *testing.T, n int) *bundle {
	t.Helper()
	b := &bundle{clock: timetest.ClockAt(start), path: filepath.Join(t.TempDir(), store.FileName)}
	st, err := store.Open(b.path, store.Options{Now: b.clock.Now, Callbacks: callback.Rule("http://hooks.test/waq")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b.st, b.srv = st, ui.NewServer(st, ui.Options{Version: "test", MaxAttempts: 4, Now: b.clock.Now})
	b.h = b.srv.Handler()
	for range n {
		m, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: "hola"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Cancel(m.ID); err != nil {
			t.Fatal(err)
		}
	}
	cs, _, err := st.Callbacks("", "", 1)
	if err != nil || len(cs) != 1 {
		t.Fatalf("outbox: %v %v", cs, err)
	}
	if err := st.RetryCallback(cs[0].ID, start.Add(time.Minute), "callback: HTTP 502", 502); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *bundle) callbacks(t *testing.T, query string) (rows []map[string]any, next string) {
	t.Helper()
	var out struct {
		Callbacks  []map[string]any `json:"callbacks"`
		NextCursor string           `json:"next_cursor"`
	}
	if err := json.Unmarshal(b.do(t, "GET", "/v1/callbacks"+query, "").want(t, 200).body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Callbacks, out.NextCursor
}

// The rows carry exactly the fields the page reads; state filters them.
func TestListCallbacks(t *testing.T) {
	b := setupOutbox(t, 3)
	all, next := b.callbacks(t, "")
	if len(all) != 3 || next != "" {
		t.Fatalf("all: %d rows, next %q", len(all), next)
	}
	keys := make([]string, 0, len(all[0]))
	for k := range all[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"attempts", "created_at", "event", "id", "last_error", "message_id", "next_attempt_at", "state", "status", "url"}
	if !slices.Equal(keys, want) {
		t.Fatalf("fields %v, want %v", keys, want)
	}
	failing, _ := b.callbacks(t, "?state=failing")
	if len(failing) != 1 || failing[0]["state"] != "failing" || failing[0]["attempts"] != 1.0 ||
		failing[0]["last_error"] != "callback: HTTP 502" || failing[0]["event"] != "cancelled" ||
		failing[0]["status"] != "cancelled" || failing[0]["url"] != "http://hooks.test/waq" ||
		failing[0]["next_attempt_at"] != "2026-11-26T10:01:00Z" {
		t.Fatalf("failing = %v", failing)
	}
	pending, next := b.callbacks(t, "?state=pending&limit=1")
	if len(pending) != 1 || pending[0]["state"] != "pending" || pending[0]["last_error"] != "" || next == "" {
		t.Fatalf("pending page 1 = %v, next %q", pending, next)
	}
	rest, next2 := b.callbacks(t, "?state=pending&limit=1&cursor="+next)
	if len(rest) != 1 || rest[0]["id"] == pending[0]["id"] || next2 != "" {
		t.Fatalf("pending page 2 = %v, next %q", rest, next2)
	}
}

func TestListCallbacksRefusesBadInput(t *testing.T) {
	b := setupOutbox(t, 1)
	for _, q := range []string{"?state=delivered", "?limit=0", "?limit=x", "?cursor=06abc"} {
		r := b.do(t, "GET", "/v1/callbacks"+q, "")
		if r.code/100 != 4 {
			t.Fatalf("%s: %d %s", q, r.code, r.body)
		}
	}
	if rows, _ := b.callbacks(t, ""); len(rows) != 1 {
		t.Fatalf("rows = %v", rows)
	}
}
