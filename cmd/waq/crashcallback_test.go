package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/redistest"
)

// hookKey is the callback secret's key; the secret is written whsec_<base64>.
var hookKey = []byte("waq crash test callback key 0123")

// hookReceiver is a client's endpoint that records every callback it gets
// by webhook-id, checking both signatures and the replay window on its own.
type hookReceiver struct {
	mu     sync.Mutex
	bodies map[string][]string // webhook-id -> bodies received
	bad    []string
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
	mac := hmac.New(sha256.New, hookKey)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	v1 := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	legacy := hmac.New(sha256.New, []byte("whsec_"+base64.StdEncoding.EncodeToString(hookKey)))
	legacy.Write(body)
	sec, err := strconv.ParseInt(ts, 10, 64)
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case r.Header.Get("webhook-signature") != v1:
		h.bad = append(h.bad, id+": webhook-signature does not verify")
	case r.Header.Get("X-Waq-Signature") != fmt.Sprintf("sha256=%x", legacy.Sum(nil)):
		h.bad = append(h.bad, id+": X-Waq-Signature does not verify")
	case err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute:
		h.bad = append(h.bad, id+": webhook-timestamp outside the replay window: "+ts)
	}
	h.bodies[id] = append(h.bodies[id], string(body))
}

func (h *hookReceiver) got(id string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bodies[id]
}

// Callbacks pending against a receiver that is down survive kill -9: after
// the restart and once the receiver is up, every row written before the
// kill arrives under its webhook-id, with the body written then, both
// signatures valid and a fresh timestamp; then the outbox is empty.
func TestCrashKeepsCallbacks(t *testing.T) {
	dir := t.TempDir()
	evo := evolutiontest.New("k", "sales-1")
	t.Cleanup(evo.Close)
	hookAddr := fmt.Sprintf("127.0.0.1:%d", redistest.FreePort(t)) // nothing listens yet
	env := []string{"WAQ_API_KEY=" + testKey, "WAQ_CALLBACK_URL=http://" + hookAddr + "/hook",
		"WAQ_CALLBACK_SECRET=whsec_" + base64.StdEncoding.EncodeToString(hookKey)}
	live, first := startLive(t, dir, evo.URL, env)
	ids := make([]string, 0, 6)
	for i := range 6 {
		body := fmt.Sprintf(`{"to": "+3460011122%d", "text": "cita %d"}`, i, i)
		if i >= 4 { // scheduled, then cancelled
			body = fmt.Sprintf(`{"to": "+3460011122%d", "text": "cita %d", "delay": "1h"}`, i, i)
		}
		ids = append(ids, enqueueLive(t, live, body))
	}
	for _, id := range ids[4:] {
		if code, body := live.do(t, "DELETE", "/v1/messages/"+id, ""); code != 200 {
			t.Fatalf("cancel: %d %s", code, body)
		}
	}
	waitFor(t, "six callbacks tried and failing", func() bool {
		return len(liveCallbacks(t, live, "failing")) == 6
	})
	_ = first.Process.Kill() // SIGKILL
	_ = first.Wait()

	rows := outboxRows(t, dir) // what was written before the kill
	statuses := map[store.Status]int{}
	for _, c := range rows {
		statuses[c.Status]++
	}
	if len(rows) != 6 || statuses[store.Sent] != 4 || statuses[store.Cancelled] != 2 {
		t.Fatalf("outbox after the kill: %d rows %v, want 4 sent and 2 cancelled", len(rows), statuses)
	}
	live, second := startLive(t, dir, evo.URL, env)
	rcv := &hookReceiver{bodies: map[string][]string{}}
	ln, err := net.Listen("tcp", hookAddr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: rcv}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	waitFor(t, "every callback delivered and the outbox empty", func() bool {
		for _, c := range rows {
			if len(rcv.got(c.ID)) == 0 {
				return false
			}
		}
		return len(liveCallbacks(t, live, "")) == 0
	})
	dups := 0
	for _, c := range rows {
		for _, b := range rcv.got(c.ID) {
			if b != string(c.Body) {
				t.Fatalf("callback %s arrived as %s, written as %s", c.ID, b, c.Body)
			}
		}
		dups += len(rcv.got(c.ID)) - 1
	}
	if len(rcv.bad) > 0 {
		t.Fatalf("bad callbacks: %v", rcv.bad)
	}
	stopLive(t, second)
	t.Logf("%d callbacks pending at kill -9 all delivered after the restart, %d duplicates", len(rows), dups)
}

// enqueueLive posts one message and returns its id.
func enqueueLive(t *testing.T, live liveServer, body string) string {
	t.Helper()
	code, out := live.do(t, "POST", "/v1/messages", body)
	var m struct{ ID string }
	if code != 201 || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("enqueue: %d %s", code, out)
	}
	return m.ID
}

// liveCallbacks lists the outbox in state ("" for all) through the API.
func liveCallbacks(t *testing.T, live liveServer, state string) []map[string]any {
	t.Helper()
	code, out := live.do(t, "GET", "/v1/callbacks?state="+state, "")
	var page struct{ Callbacks []map[string]any }
	if code != 200 || json.Unmarshal([]byte(out), &page) != nil {
		t.Fatalf("GET /v1/callbacks: %d %s", code, out)
	}
	return page.Callbacks
}

// outboxRows reads the outbox from the data file while no waq runs.
func outboxRows(t *testing.T, dir string) []*store.Callback {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, _, err := st.Callbacks("", "", store.ListLimitMax)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
