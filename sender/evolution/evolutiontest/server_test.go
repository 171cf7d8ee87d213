package evolutiontest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// post sends body to path with key and returns the status and body.
func post(t *testing.T, ctx context.Context, url, key, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("apikey", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServerAnswers(t *testing.T) {
	s := New("k", "sales-1")
	defer s.Close()
	s.NotOnWhatsApp("+34600999888")
	f := func(path, key, body string, wantStatus int, wantBody string) {
		t.Helper()
		status, got := post(t, context.Background(), s.URL+path, key, body)
		if status != wantStatus || got != wantBody {
			t.Errorf("POST %s: %d %s\nwant %d %s", path, status, got, wantStatus, wantBody)
		}
	}
	text := `{"number":"34600111222","text":"hi"}`
	f("/message/sendText/sales-1", "bad", text, 401, `{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}`)
	f("/message/sendText/x", "bad", text, 404, `{"status":404,"error":"Not Found","response":{"message":["The \"x\" instance does not exist"]}}`)
	f("/message/sendText/sales-1", "k", `{"number":"34600111222","text":""}`, 400, `{"status":400,"error":"Bad Request","response":{"message":["Text is required"]}}`)
	f("/message/sendText/sales-1", "k", `{"number":"34600111222"}`, 400, `{"status":400,"error":"Bad Request","response":{"message":["instance requires property \"text\""]}}`)
	f("/message/sendText/sales-1", "k", `{"number":"+34 600 999 888","text":"hi"}`, 400,
		`{"status":400,"error":"Bad Request","response":{"message":[{"jid":"34600999888@s.whatsapp.net","exists":false,"number":"34600999888"}]}}`)
	f("/message/sendTemplate/sales-1", "k", `{"number":"34600111222","name":"t","language":"es","components":[]}`, 500,
		`{"status":500,"error":"Internal Server Error","response":{"message":"Method not available in the Baileys service"}}`)
	s.Script(ConnectionClosed400(), TimedOut400())
	f("/message/sendText/sales-1", "k", text, 400, `{"status":400,"error":"Bad Request","response":{"message":["Error: Connection Closed"]}}`)
	f("/message/sendText/sales-1", "k", text, 400, `{"status":400,"error":"Bad Request","response":{"message":["Error: Timed Out"]}}`)
	if n := len(s.Requests()); n != 8 || s.Sends() != 0 {
		t.Errorf("%d requests and %d sends, want 8 and 0", n, s.Sends())
	}
}

func TestServerAccepts(t *testing.T) {
	s := New("k", "sales-1")
	defer s.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			status, body := post(t, context.Background(), s.URL+"/message/sendText/sales-1", "k", `{"number":"34600111222","text":"hi"}`)
			var got struct {
				Key struct {
					ID        string `json:"id"`
					RemoteJid string `json:"remoteJid"`
				} `json:"key"`
				Status string `json:"status"`
			}
			if err := json.Unmarshal([]byte(body), &got); status != 201 || err != nil || len(got.Key.ID) != 20 ||
				got.Key.RemoteJid != "34600111222@s.whatsapp.net" || got.Status != "PENDING" {
				t.Errorf("got %d %s", status, body)
			}
		})
	}
	wg.Wait()
	if s.Sends() != 8 || len(s.Requests()) != 8 {
		t.Errorf("Sends %d, Requests %d; want 8 and 8", s.Sends(), len(s.Requests()))
	}
}

func TestServerSlow(t *testing.T) {
	s := New("k", "sales-1")
	defer s.Close()
	s.Script(Slow(5 * time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if status, _ := post(t, ctx, s.URL+"/message/sendText/sales-1", "k", `{"number":"1","text":"hi"}`); status != 0 {
		t.Errorf("status %d, want no answer before the deadline", status)
	}
	s.Script(Slow(time.Millisecond))
	if status, _ := post(t, context.Background(), s.URL+"/message/sendText/sales-1", "k", `{"number":"1","text":"hi"}`); status != 201 {
		t.Errorf("status %d, want 201", status)
	}
	if s.Sends() != 1 {
		t.Errorf("Sends = %d, want 1", s.Sends())
	}
}
