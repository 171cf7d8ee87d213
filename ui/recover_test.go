package ui

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/julienschmidt/httprouter"
)

// A panicking handler answers 500 in the error shape, is logged once by
// its route without the request's content, is counted, and the server
// goes on serving.
func TestRecoverPanics(t *testing.T) {
	var buf bytes.Buffer
	s := NewServer(nil, Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	s.handle(http.MethodPost, "/v1/boom/:contact", func(r *http.Request, p httprouter.Params) (any, error) {
		panic("cannot send secreto to " + p.ByName("contact"))
	})
	s.handle(http.MethodGet, "/v1/index", func(*http.Request, httprouter.Params) (any, error) {
		var a []int
		return a[3], nil
	})
	s.handle(http.MethodGet, "/v1/fine", func(*http.Request, httprouter.Params) (any, error) {
		return map[string]bool{"ok": true}, nil
	})
	h := s.Handler()
	counter := metrics.GetOrCreateCounter(`waq_panics_recovered_total{where="http"}`)
	do := func(method, path, body string, code int, want string) {
		t.Helper()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, path, strings.NewReader(body)))
		if w.Code != code || w.Header().Get("Content-Type") != "application/json" || w.Body.String() != want {
			t.Fatalf("%s %s: %d %q %q, want %d %q", method, path, w.Code, w.Header().Get("Content-Type"), w.Body, code, want)
		}
	}
	const internal = `{"error":{"code":"internal","message":"internal error; the server log has the details"}}` + "\n"
	before := counter.Get()
	do("POST", "/v1/boom/+34600111222", `{"text":"secreto"}`, 500, internal)
	do("GET", "/v1/fine", "", 200, `{"ok":true}`+"\n")
	do("GET", "/v1/index", "", 500, internal)
	do("GET", "/v1/fine", "", 200, `{"ok":true}`+"\n")
	if got := counter.Get() - before; got != 2 {
		t.Fatalf("waq_panics_recovered_total moved by %d, want 2", got)
	}
	log := buf.String()
	if n := strings.Count(log, "level=ERROR"); n != 2 {
		t.Fatalf("%d error lines, want 2:\n%s", n, log)
	}
	for _, secret := range []string{"600111222", "secreto"} {
		if strings.Contains(log, secret) {
			t.Fatalf("the log holds %q:\n%s", secret, log)
		}
	}
	for _, want := range []string{"route=/v1/boom/:contact", "panic=string", "route=/v1/index", `panic="runtime error: index out of range [3] with length 0"`} {
		if !strings.Contains(log, want) {
			t.Fatalf("the log lacks %s:\n%s", want, log)
		}
	}
}

func TestFrames(t *testing.T) {
	in := "goroutine 7 [running]:\nmain.(*T).send(0xc000012345, {0x6a1b2c, 0x9})\n\t/src/main.go:12 +0x1d\ncreated by main.run in goroutine 1\n\t/src/main.go:30 +0x2a"
	want := "goroutine 7 [running]:\nmain.(*T).send(...)\n\t/src/main.go:12 +0x1d\ncreated by main.run in goroutine 1\n\t/src/main.go:30 +0x2a"
	if got := frames([]byte(in)); got != want {
		t.Fatalf("frames =\n%s\nwant\n%s", got, want)
	}
}
