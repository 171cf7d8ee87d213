package ui_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/sender/callback"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/mirror"
	"github.com/waqhq/waq/store/redistest"
	"github.com/waqhq/waq/ui"
)

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

// Opt-outs are listed, added and removed; the outbox's real callbacks,
// pending and failing, are listed by state;
// a real import and mirror of a real Redis fill the migration screen, and
// the cutover asks first, then releases the held messages. Screens at
// desktop and phone sizes.
func TestPageScreensInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", false)
	mg := mirror.NewManager(ps.st, slog.New(slog.DiscardHandler)) // the real importer and mirror of waq serve
	t.Cleanup(func() { mg.Stop() })
	srv := ui.NewServer(ps.st, ui.Options{Importer: mg, Mirror: mg, Instances: ps.instances, Now: ps.clock.Now})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	tb := newTab(t, browser, hs.URL, func(status int64, path string) bool {
		return status == http.StatusNotImplemented && strings.HasPrefix(path, "/v1/stats/") || // no analytics here
			status == http.StatusNotFound && path == "/v1/admin/mirror" // no mirror ran yet
	})
	tb.open(hs.URL + "/")
	tb.wait(`document.querySelector('[data-state="queued"]')`)
	optouts(t, tb, ps)
	callbacks(t, tb, ps)
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

// hookReceiver is the client's web app refusing every status callback
// with a 500; it counts the tries.
type hookReceiver struct {
	url   string
	tries atomic.Int32
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	r := &hookReceiver{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		r.tries.Add(1)
		http.Error(w, "crm down", http.StatusInternalServerError)
	}))
	t.Cleanup(hs.Close)
	r.url = hs.URL + "/hooks/waq"
	return r
}

// seedCallbacks fills the outbox through the store's callback rule: the
// callbacks of a sent and a cancelled message, tried once by a real
// Notifier on the page server's clock against the receiver's 500, are
// failing; those of a sent, a dead and a cancelled message made a minute
// later wait for their first try.
func (ps *pageServer) seedCallbacks(t *testing.T) {
	t.Helper()
	cancelled := func() {
		m := ps.message(t, `{"to":"+34600111222","text":"Sorry, wrong number"}`)
		if _, err := ps.st.Cancel(m.ID); err != nil {
			t.Fatal(err)
		}
	}
	ps.sent(t)
	cancelled()
	n := &callback.Notifier{Store: ps.st, Now: ps.clock.Now, Jitter: func(d time.Duration) time.Duration { return d }}
	if tried, err := n.RunOnce(context.Background()); tried != 2 || err != nil || ps.hooks.tries.Load() != 2 {
		t.Fatalf("the notifier tried %d callbacks (%v) and the receiver got %d, want 2", tried, err, ps.hooks.tries.Load())
	}
	ps.clock.Add(time.Minute)
	ps.sent(t)
	ps.dead(t, "spring", "gateway: +34600111222 is not on WhatsApp")
	cancelled()
}

// callbacks lists the outbox's pending, then failing callbacks, as many
// rows as the store counts, each with its event, message, URL, attempts
// and last error; at desktop and phone sizes.
func callbacks(t *testing.T, tb *tab, ps *pageServer) {
	t.Helper()
	ps.seedCallbacks(t)
	pending, failing, err := ps.st.CallbackCounts()
	if err != nil || pending != 3 || failing != 2 {
		t.Fatalf("outbox: %d pending and %d failing (%v), want 3 and 2", pending, failing, err)
	}
	tb.press("6")
	tb.wait(rows("#cb-list") + fmt.Sprintf(` === %d`, pending))
	callbackRows(t, tb, ps, store.CallbackPending)
	tb.shot("callbacks-desktop", false)
	tb.shot("callbacks-phone", true)
	tb.desktop()
	tb.click(`.seg a[data-state="failing"]`)
	tb.wait(rows("#cb-list") + fmt.Sprintf(` === %d`, failing))
	callbackRows(t, tb, ps, store.CallbackFailing)
	tb.shot("callbacks-failing-desktop", false)
	tb.shot("callbacks-failing-phone", true)
	if !eval[bool](tb, `[...document.querySelectorAll('#cb-list tbody .err')].every((e) => e.getClientRects().length > 0)`) {
		t.Error("the last errors are hidden at phone size")
	}
	tb.desktop()
}

// callbackRows checks that the screen shows every callback of the store in
// state, with what the store has for it.
func callbackRows(t *testing.T, tb *tab, ps *pageServer, state string) {
	t.Helper()
	cs, _, err := ps.st.Callbacks(state, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		got := eval[[]string](tb, fmt.Sprintf(`[...document.querySelectorAll('#cb-list tr[data-id=%q] td')].map((td) => td.textContent)`, c.ID))
		lastErr := "–"
		if state == store.CallbackFailing {
			lastErr = "callback: HTTP 500"
		}
		want := []string{string(c.Event), c.MessageID, string(c.Status), ps.hooks.url, fmt.Sprint(c.Attempts)}
		if len(got) != 8 || !slices.Equal(got[:5], want) || got[7] != lastErr || c.LastError != strings.TrimPrefix(lastErr, "–") {
			t.Errorf("%s callback %s shows %q, want %q and last error %q (stored %q)", state, c.ID, got, want, lastErr, c.LastError)
		}
	}
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
