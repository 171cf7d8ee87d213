package evolution

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

const (
	testKey      = "k3y-secret"
	testInstance = "sales-1"
	testNumber   = "+34600111222"
	testDigits   = "34600111222"
	testText     = "Hola Marta, tu pedido ya salió"
)

// newPair starts a fake Evolution server and a client for it; the URL has
// a trailing slash, which the client must tolerate.
func newPair(t *testing.T) (*evolutiontest.Server, *Client) {
	t.Helper()
	srv := evolutiontest.New(testKey, testInstance)
	t.Cleanup(srv.Close)
	return srv, New(Config{URL: srv.URL + "/", APIKey: testKey, Instance: testInstance})
}

func textMessage() *store.Message {
	return &store.Message{ID: "m1", To: testNumber, Type: store.TypeText, Text: testText}
}

// sendError asserts that err is a *sender.SendError and returns it.
func sendError(t *testing.T, err error) *sender.SendError {
	t.Helper()
	var se *sender.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v (%T), want *sender.SendError", err, err)
	}
	if !strings.HasPrefix(se.Reason, "evolution: ") {
		t.Errorf("reason %q does not start with \"evolution: \"", se.Reason)
	}
	for _, secret := range []string{testDigits, "600111222", testText} {
		if strings.Contains(se.Error(), secret) {
			t.Errorf("error %q holds %q", se.Error(), secret)
		}
	}
	return se
}

func TestSendClassifies(t *testing.T) {
	srv, c := newPair(t)
	f := func(answer evolutiontest.Answer, wantKind sender.Kind, wantReasonPart string) {
		t.Helper()
		srv.Script(answer)
		id, err := c.Send(context.Background(), textMessage())
		if id != "" {
			t.Errorf("id = %q on failure", id)
		}
		se := sendError(t, err)
		if se.Kind != wantKind || !strings.Contains(se.Reason, wantReasonPart) {
			t.Errorf("got %s %q, want %s containing %q", se.Kind, se.Reason, wantKind, wantReasonPart)
		}
	}
	html := "<html><body><h1>Bad Gateway</h1></body></html>"
	raw := func(status int, body string) evolutiontest.Answer {
		return evolutiontest.Answer{Status: status, Body: body}
	}
	f(evolutiontest.Unauthorized(), sender.Pause, "evolution: unauthorized: check EVOLUTION_API_KEY (HTTP 401: Unauthorized)")
	f(evolutiontest.UnknownInstance(), sender.Pause, `unknown instance: check EVOLUTION_INSTANCE (HTTP 404: The "sales-1" instance does not exist)`)
	f(raw(404, html), sender.Pause, "not found: check EVOLUTION_API_URL and EVOLUTION_INSTANCE (HTTP 404 Not Found)")
	f(evolutiontest.NotOnWhatsAppAnswer(), sender.Permanent, "evolution: number not on WhatsApp (HTTP 400: exists:false)")
	f(evolutiontest.ConnectionClosed400(), sender.Retryable, "connection closed (HTTP 400: Error: Connection Closed)")
	f(evolutiontest.TimedOut400(), sender.Retryable, "timed out (HTTP 400: Error: Timed Out)")
	f(evolutiontest.SchemaError(), sender.Permanent, `invalid request (HTTP 400: instance requires property "text")`)
	f(evolutiontest.ConnectionClosed500(), sender.Retryable, "connection closed (HTTP 500: Connection Closed)")
	f(evolutiontest.ConnectionClosed500Array(), sender.Retryable, "connection closed (HTTP 500: Error: Connection Closed)")
	f(evolutiontest.NotLoaded500(), sender.Retryable, "instance not loaded (HTTP 500: Cannot read properties of undefined")
	f(evolutiontest.MethodNotAvailable(), sender.Permanent, "method not available on a Baileys instance (HTTP 500")
	f(raw(403, `{"status":403,"error":"Forbidden","response":{"message":"Forbidden"}}`), sender.Pause, "forbidden: check EVOLUTION_API_KEY (HTTP 403: Forbidden)")
	f(raw(429, `{"status":429,"error":"Too Many Requests","response":{"message":"slow down"}}`), sender.Retryable, "rate limited (HTTP 429: slow down)")
	f(raw(502, html), sender.Retryable, "server error (HTTP 502 Bad Gateway)")
	f(raw(503, `{"status":503,"error":"Service Unavailable","response":{"message":"maintenance"}}`), sender.Retryable, "server error (HTTP 503: maintenance)")
	f(raw(413, html), sender.Permanent, "request rejected (HTTP 413 Request Entity Too Large)")
	f(raw(300, ""), sender.Retryable, "unexpected answer (HTTP 300")
	// Meta's Graph errors passed through as 201 by WHATSAPP-BUSINESS instances.
	f(evolutiontest.MetaError201(131026), sender.Permanent, "meta error 131026, undeliverable: not on WhatsApp")
	f(evolutiontest.MetaError201(131056), sender.Retryable, "meta error 131056, pair rate limit")
	f(evolutiontest.MetaError201(131048), sender.Pause, "meta error 131048")
	f(evolutiontest.MetaError201(999999), sender.Retryable, "meta error 999999")
	f(raw(201, `{"error":{"message":"(#190) Token expired","type":"OAuthException","code":190}}`), sender.Pause, "meta error 190, access token invalid or expired")
	f(raw(201, `{"key":{"remoteJid":"34600111222@s.whatsapp.net","fromMe":true},"status":"PENDING"}`), sender.Retryable, "HTTP 201 without key.id")
	f(raw(201, html), sender.Retryable, "HTTP 201: answer is not JSON")
	if n := srv.Sends(); n != 0 {
		t.Errorf("Sends = %d, want 0", n)
	}
}

func TestSendAccepted(t *testing.T) {
	srv, c := newPair(t)
	var mu sync.Mutex
	var accepted []string
	srv.SetOnAccept(func(keyID, number string) {
		mu.Lock()
		defer mu.Unlock()
		accepted = append(accepted, keyID, number)
	})
	id, err := c.Send(context.Background(), textMessage())
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^3EB0[0-9A-F]{16}$`).MatchString(id) {
		t.Errorf("id = %q, want 3EB0 and 16 upper hex digits", id)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{id, testDigits}; !reflect.DeepEqual(accepted, want) || srv.Sends() != 1 {
		t.Errorf("OnAccept got %q and Sends %d, want %q and 1", accepted, srv.Sends(), want)
	}
}

// headerRecorder keeps the headers of every request it forwards.
type headerRecorder struct {
	mu      sync.Mutex
	headers []http.Header
}

func (h *headerRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.headers = append(h.headers, r.Header.Clone())
	h.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestSendRequests(t *testing.T) {
	const instance = "ventas madrid"
	srv := evolutiontest.New(testKey, instance)
	t.Cleanup(srv.Close)
	rec := &headerRecorder{}
	c := New(Config{URL: srv.URL + "//", APIKey: testKey, Instance: instance, HTTPClient: &http.Client{Transport: rec}})
	f := func(m *store.Message, wantPath string, wantBody map[string]any) {
		t.Helper()
		srv.Script(evolutiontest.Accept()) // templates too, as on a WHATSAPP-BUSINESS instance
		if _, err := c.Send(context.Background(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
		reqs := srv.Requests()
		got := reqs[len(reqs)-1]
		if got.Path != wantPath || got.APIKey != testKey || !reflect.DeepEqual(got.Body, wantBody) {
			t.Errorf("got %s key %q %v\nwant %s key %q %v", got.Path, got.APIKey, got.Body, wantPath, testKey, wantBody)
		}
		h := rec.headers[len(rec.headers)-1]
		if h.Get("Content-Type") != "application/json" || h.Get("apikey") != testKey {
			t.Errorf("headers %v", h)
		}
	}
	f(textMessage(), "/message/sendText/ventas%20madrid", map[string]any{"number": testDigits, "text": testText})
	f(&store.Message{To: testNumber, Type: store.TypeMedia, Media: &store.Media{URL: "https://x.example/a.pdf", Kind: "document", Caption: "Factura", Filename: "a.pdf"}},
		"/message/sendMedia/ventas%20madrid", map[string]any{"number": testDigits, "mediatype": "document", "media": "https://x.example/a.pdf", "caption": "Factura", "fileName": "a.pdf"})
	f(&store.Message{To: testNumber, Type: store.TypeMedia, Media: &store.Media{URL: "https://x.example/p.jpg", Kind: "image"}},
		"/message/sendMedia/ventas%20madrid", map[string]any{"number": testDigits, "mediatype": "image", "media": "https://x.example/p.jpg"})
	f(&store.Message{To: testNumber, Type: store.TypeTemplate, Template: &store.Template{Name: "order_update", Language: "es",
		Components: []any{map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": "Marta"}}}}}},
		"/message/sendTemplate/ventas%20madrid", map[string]any{"number": testDigits, "name": "order_update", "language": "es",
			"components": []any{map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": "Marta"}}}}})
	f(&store.Message{To: testNumber, Type: store.TypeTemplate, Template: &store.Template{Name: "hello", Language: "en"}},
		"/message/sendTemplate/ventas%20madrid", map[string]any{"number": testDigits, "name": "hello", "language": "en", "components": []any{}})
}

// TestSendDefaults checks the fake's unscripted answers through the client.
func TestSendDefaults(t *testing.T) {
	srv, _ := newPair(t)
	srv.NotOnWhatsApp(testNumber)
	f := func(key, instance string, m *store.Message, wantKind sender.Kind, wantReasonPart string) {
		t.Helper()
		c := New(Config{URL: srv.URL, APIKey: key, Instance: instance})
		se := sendError(t, func() error { _, err := c.Send(context.Background(), m); return err }())
		if se.Kind != wantKind || !strings.Contains(se.Reason, wantReasonPart) {
			t.Errorf("got %s %q, want %s containing %q", se.Kind, se.Reason, wantKind, wantReasonPart)
		}
	}
	other := &store.Message{To: "+34600999888", Type: store.TypeText, Text: testText}
	f(testKey, testInstance, textMessage(), sender.Permanent, "number not on WhatsApp")
	f("wrong", testInstance, other, sender.Pause, "unauthorized")
	f("wrong", "nope", other, sender.Pause, "unknown instance") // the instance is checked first
	f(testKey, testInstance, &store.Message{To: "+34600999888", Type: store.TypeText}, sender.Permanent, "Text is required")
	f(testKey, testInstance, &store.Message{To: "+34600999888", Type: store.TypeTemplate, Template: &store.Template{Name: "t", Language: "es"}},
		sender.Permanent, "Method not available in the Baileys service")
}

func TestSendInvalidMessage(t *testing.T) {
	srv, c := newPair(t)
	f := func(m *store.Message, wantReasonPart string) {
		t.Helper()
		_, err := c.Send(context.Background(), m)
		if se := sendError(t, err); se.Kind != sender.Permanent || !strings.Contains(se.Reason, wantReasonPart) {
			t.Errorf("got %s %q, want permanent containing %q", se.Kind, se.Reason, wantReasonPart)
		}
	}
	f(&store.Message{Type: store.TypeText, Text: "x"}, "no recipient number")
	f(&store.Message{To: testNumber, Type: store.TypeMedia}, "without media")
	f(&store.Message{To: testNumber, Type: store.TypeTemplate}, "without template")
	f(&store.Message{To: testNumber, Type: "poll"}, `type "poll" not supported`)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests made for invalid messages", n)
	}
}

func TestSendRedacts(t *testing.T) {
	srv, c := newPair(t)
	srv.Script(evolutiontest.Answer{Status: 400, Body: `{"status":400,"error":"Bad Request","response":{"message":["bad ` +
		testText + ` for 34600111222@s.whatsapp.net, also 600111222 and +4915112345678"]}}`})
	_, err := c.Send(context.Background(), textMessage())
	se := sendError(t, err)
	want := "evolution: invalid request (HTTP 400: bad <text> for <number>@s.whatsapp.net, also <number> and <number>)"
	if se.Reason != want {
		t.Errorf("reason %q\nwant   %q", se.Reason, want)
	}
}

func TestSendTimeout(t *testing.T) {
	srv, c := newPair(t)
	srv.Script(evolutiontest.Slow(5 * time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Send(ctx, textMessage())
	se := sendError(t, err)
	if se.Kind != sender.Retryable || !strings.Contains(se.Reason, "timeout") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %s %q (%v), want retryable timeout wrapping the deadline", se.Kind, se.Reason, err)
	}
	if d := time.Since(start); d > 4*time.Second { // the server answers after 5 s
		t.Errorf("Send took %s past a 50ms deadline", d)
	}
}

func TestSendConnectionFailed(t *testing.T) {
	srv := evolutiontest.New(testKey, testInstance)
	srv.Close()
	c := New(Config{URL: srv.URL, APIKey: testKey, Instance: testInstance})
	_, err := c.Send(context.Background(), textMessage())
	if se := sendError(t, err); se.Kind != sender.Retryable || se.Reason != "evolution: connection failed" || se.Err == nil {
		t.Errorf("got %s %q %v, want retryable connection failed", se.Kind, se.Reason, se.Err)
	}
}

func TestConnectionState(t *testing.T) {
	srv, c := newPair(t)
	f := func(set, want string) {
		t.Helper()
		if set != "" {
			srv.SetState(set)
		}
		got, err := c.ConnectionState(context.Background())
		if err != nil || got != want {
			t.Errorf("ConnectionState = %q, %v; want %q", got, err, want)
		}
	}
	f("", StateOpen)
	f(StateConnecting, StateConnecting)
	f(StateClose, StateClose)
	bad := New(Config{URL: srv.URL, APIKey: "wrong", Instance: testInstance})
	_, err := bad.ConnectionState(context.Background())
	if se := sendError(t, err); se.Kind != sender.Pause {
		t.Errorf("wrong key: got %s %q, want pause", se.Kind, se.Reason)
	}
}

func TestValidate(t *testing.T) {
	f := func(cfg Config, wantPart string) {
		t.Helper()
		err := cfg.Validate()
		switch {
		case wantPart == "" && err != nil:
			t.Errorf("Validate(%+v) = %v, want nil", cfg, err)
		case wantPart != "" && (err == nil || !strings.Contains(err.Error(), wantPart)):
			t.Errorf("Validate(%+v) = %v, want it to name %q", cfg, err, wantPart)
		}
	}
	ok := Config{URL: "https://evo.example.com/", APIKey: "k", Instance: "sales-1"}
	f(ok, "")
	f(Config{APIKey: "k", Instance: "i"}, "EVOLUTION_API_URL is empty")
	f(Config{URL: "evo.example.com", APIKey: "k", Instance: "i"}, "EVOLUTION_API_URL")
	f(Config{URL: "ftp://evo.example.com", APIKey: "k", Instance: "i"}, "http or https")
	f(Config{URL: "https://evo.example.com?x=1", APIKey: "k", Instance: "i"}, "query")
	f(Config{URL: ok.URL, Instance: "i"}, "EVOLUTION_API_KEY is empty")
	f(Config{URL: ok.URL, APIKey: "k"}, "EVOLUTION_INSTANCE is empty")
	f(Config{URL: ok.URL, APIKey: "k", Instance: " i "}, "EVOLUTION_INSTANCE")
}
