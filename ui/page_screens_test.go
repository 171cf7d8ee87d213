package ui_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/mirror"
	"github.com/waqhq/waq/store/redistest"
	"github.com/waqhq/waq/ui"
)

// cannedCallbacks answers GET /v1/callbacks, which the callback outbox
// (another branch) brings, in the shape of the design, so the screen can
// be tested before the route lands; the rest goes to waq.
func cannedCallbacks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/callbacks" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		cb := func(id, event, status, state string, attempts int, lastErr string) string {
			return fmt.Sprintf(`{"id":%q,"message_id":"06h4msg%s","event":%q,"status":%q,"url":"https://crm.example/hooks/waq",`+
				`"state":%q,"attempts":%d,"created_at":"2026-12-05T08:00:00Z","next_attempt_at":"2026-12-05T08:05:00Z","last_error":%q}`,
				id, id, event, status, state, attempts, lastErr)
		}
		if r.URL.Query().Get("state") == "failing" {
			fmt.Fprintf(w, `{"callbacks":[%s]}`, cb("cb3", "message.failed", "dead", "failing", 4, "POST https://crm.example/hooks/waq: 503 Service Unavailable"))
			return
		}
		fmt.Fprintf(w, `{"callbacks":[%s,%s]}`, cb("cb1", "message.sent", "sent", "pending", 0, ""), cb("cb2", "message.read", "read", "pending", 1, ""))
	})
}

// bullmqRedis runs a real redis-server holding three BullMQ jobs waiting
// in queue wa, and returns its URL.
func bullmqRedis(t *testing.T) string {
	t.Helper()
	url := redistest.URL(t)
	o, _ := redis.ParseURL(url)
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.HSet(ctx, "bull:wa:meta", "version", "bullmq:5.81.5").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		data := fmt.Sprintf(`{"to":"+3460070000%d","text":"Visit %d confirmed"}`, i, i)
		if err := c.HSet(ctx, fmt.Sprintf("bull:wa:%d", i), "name", "send", "data", data).Err(); err != nil {
			t.Fatal(err)
		}
		if err := c.LPush(ctx, "bull:wa:wait", fmt.Sprint(i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	return url
}

// Opt-outs are listed, added and removed; callbacks are listed by state;
// a real import and mirror of a real Redis fill the migration screen, and
// the cutover asks first, then releases the held messages. Screens at
// desktop and phone sizes.
func TestPageScreensInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", false)
	mg := mirror.NewManager(ps.st, slog.New(slog.DiscardHandler)) // the real importer and mirror of waq serve
	t.Cleanup(func() { mg.Stop() })
	srv := ui.NewServer(ps.st, ui.Options{Importer: mg, Mirror: mg, Instances: ps.instances, Now: ps.clock.Now})
	hs := httptest.NewServer(cannedCallbacks(srv.Handler()))
	t.Cleanup(hs.Close)
	tb := newTab(t, browser, hs.URL, func(status int64, path string) bool {
		return status == http.StatusNotImplemented && strings.HasPrefix(path, "/v1/stats/") || // no analytics here
			status == http.StatusNotFound && path == "/v1/admin/mirror" // no mirror ran yet
	})
	tb.open(hs.URL + "/")
	tb.wait(`document.querySelector('[data-state="queued"]')`)
	optouts(t, tb, ps)
	callbacks(t, tb)
	migration(t, tb, ps, bullmqRedis(t))
	tb.clean()
}

func optouts(t *testing.T, tb *tab, ps *pageServer) {
	t.Helper()
	for _, c := range []string{"+34600111000", "+34600222000"} {
		if _, _, err := ps.st.AddOptout(store.Optout{Contact: c, Reason: "BAJA", Source: store.OptoutKeyword}); err != nil {
			t.Fatal(err)
		}
	}
	tb.press("5")
	tb.wait(rows("#optout-list") + ` === 2`)
	tb.typeInto("#oo-contact", "+34 600 777 888")
	eval[bool](tb, `document.querySelector('#oo-scope').value = 'marketing', true`)
	tb.typeInto("#oo-reason", "asked by phone")
	tb.click(`#optout-form button[type="submit"]`)
	tb.wait(rows("#optout-list") + ` === 3 && document.querySelector('#optout-list tr[data-id="+34600777888"]')`)
	list, _, err := ps.st.Optouts("", 10)
	if err != nil || len(list) != 3 || list[2].Contact != "+34600777888" || list[2].Scope != "marketing" || list[2].Reason != "asked by phone" {
		t.Fatalf("opt-outs after adding one: %+v %v", list, err)
	}
	tb.shot("optouts-desktop", false)
	tb.shot("optouts-phone", true)
	tb.desktop()
	tb.click(`#optout-list tr[data-id="+34600111000"] button[data-action="remove"]`)
	tb.wait(`document.querySelector('#confirm').open && document.querySelector('#confirm-title').textContent.includes('+34600111000')`)
	tb.click("#confirm-ok")
	tb.wait(rows("#optout-list") + ` === 2 && !document.querySelector('#optout-list tr[data-id="+34600111000"]')`)
	if list, _, _ := ps.st.Optouts("", 10); len(list) != 2 || list[0].Contact != "+34600222000" {
		t.Fatalf("opt-outs after removing one: %+v", list)
	}
}

func callbacks(t *testing.T, tb *tab) {
	t.Helper()
	tb.press("6")
	tb.wait(rows("#cb-list") + ` === 2`)
	if got := eval[string](tb, `document.querySelector('#cb-list tr[data-id="cb2"]').textContent`); !strings.Contains(got, "message.read") {
		t.Errorf("pending callback cb2 shows %q", got)
	}
	tb.shot("callbacks-desktop", false)
	tb.click(`.seg a[data-state="failing"]`)
	tb.wait(rows("#cb-list") + ` === 1 && document.querySelector('#cb-list').textContent.includes('503 Service Unavailable')`)
	tb.shot("callbacks-failing-phone", true)
	tb.desktop()
}

// migration imports three BullMQ jobs from src through the page, follows
// src with a mirror, then backs out of a cutover once and cuts over.
func migration(t *testing.T, tb *tab, ps *pageServer, src string) {
	t.Helper()
	tb.press("7")
	tb.wait(`document.querySelector('#mig-mirror-status').textContent.includes('No mirror ran')`)
	tb.typeInto("#import-url", src)
	tb.click("#import-go")
	tb.wait(`document.querySelector('#import-result') && document.querySelector('#import-result').textContent.includes('3 new held messages')`)
	tb.wait(`document.querySelector('#mig-held').textContent === '3'`)
	tb.typeInto("#mirror-url", src)
	tb.click("#mirror-go")
	tb.wait(`document.querySelector('#mirror-facts') && document.querySelector('#mirror-facts').textContent.includes('streaming')`)
	tb.wait(`document.querySelector('#mig-lag-sub').textContent === 'up to date with the source'`)
	tb.shot("migration-desktop", false)
	tb.shot("migration-phone", true)
	tb.desktop()

	tb.click("#cutover")
	tb.wait(`document.querySelector('#confirm').open && document.querySelector('#confirm-title').textContent === 'Cut over 3 held messages?'`)
	if text := eval[string](tb, `document.querySelector('#confirm-text').textContent`); !strings.Contains(text, "Stop BullMQ's workers first") {
		t.Errorf("the cutover's confirmation says %q", text)
	}
	tb.shot("migration-cutover-confirm-phone", true)
	tb.desktop()
	tb.click("#confirm-cancel")
	tb.wait(`!document.querySelector('#confirm').open`)
	if n, _ := ps.st.HeldCount(); n != 3 {
		t.Fatalf("%d held after backing out of the cutover, want 3", n)
	}
	tb.click("#cutover")
	tb.confirm()
	tb.wait(`document.querySelector('#mig-held').textContent === '0'`)
	if c := ps.counts(t); c[store.Held] != 0 || c[store.Queued] != 3 {
		t.Fatalf("after the cutover: %v, want 3 queued and none held", c)
	}
}
