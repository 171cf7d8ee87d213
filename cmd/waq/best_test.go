package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// send_at "best" goes through the serve wiring: the analytics answer it,
// inside the configured send window, and its history says why; the heatmap
// answers its 168 cells in WAQ_TIMEZONE.
func TestSendAtBestWiring(t *testing.T) {
	cfg := testConfig(t.TempDir(), GatewayDemo)
	cfg.Timezone, cfg.SendWindow = "Europe/Madrid", "09:00-21:00"
	_, cl := startMain(t, cfg)
	var m store.Message
	body := map[string]any{"to": "+34600111222", "text": "hola", "send_at": "best", "within": "48h"}
	if code, err := cl.call(t.Context(), http.MethodPost, "/v1/messages", body, &m); err != nil || code != http.StatusCreated {
		t.Fatalf("post: %d %v", code, err)
	}
	madrid, _ := time.LoadLocation("Europe/Madrid")
	at := m.SendAt.In(madrid)
	if len(m.History) != 1 || !strings.Contains(m.History[0].Note, "inside the send window 09:00-21:00 Europe/Madrid") ||
		at.Hour() < 9 || at.Hour() >= 21 || m.SendAt.After(time.Now().Add(48*time.Hour)) {
		t.Fatalf("send_at %s, history %+v", at, m.History)
	}
	var hm struct {
		Timezone string
		Cells    []struct{ Weekday, Hour int }
	}
	if err := json.Unmarshal([]byte(get(t, cl, "/v1/stats/heatmap?metric=sent")), &hm); err != nil || len(hm.Cells) != 168 || hm.Timezone != "Europe/Madrid" {
		t.Fatalf("heatmap: %d cells in %q, %v", len(hm.Cells), hm.Timezone, err)
	}
}
