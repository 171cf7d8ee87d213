package ui_test

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waqhq/waq/sender/callback"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// pageServer is a waq with two gateway instances, one paused by a gateway
// failure until POST /v1/queue/resume, on a store whose clock stands near
// the real now (the browser asks for the last hour of its own clock),
// with the callback rule on (messages reaching sent, dead, cancelled...
// write real rows to the outbox), served on a loopback port.
type pageServer struct {
	*bundle
	url     string
	resumed atomic.Bool
	hooks   *hookReceiver // the callback URL of every message
}

func newPageServer(t *testing.T, key string, withStats bool, opts ...func(*ui.Options)) *pageServer {
	t.Helper()
	ps := &pageServer{hooks: newHookReceiver(t)}
	var o ui.Options
	ps.bundle = setupStore(t, store.Options{Callbacks: callback.Rule(ps.hooks.url)}, func(x *ui.Options) {
		x.APIKey = key
		x.Instances = ps.instances
		x.ResumeInstances = func() { ps.resumed.Store(true) }
		for _, f := range opts {
			f(x)
		}
		o = *x
	})
	ps.clock.Add(time.Since(ps.clock.Now()) - 5*time.Minute) // seedMessages ages the queue 5 minutes, to now
	if withStats {
		r, err := stats.NewReader(ps.st, time.UTC, ps.clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		o.Stats = r
		ps.srv = ui.NewServer(ps.st, o)
		ps.h = ps.srv.Handler()
	}
	hs := httptest.NewServer(ps.h)
	t.Cleanup(hs.Close)
	ps.url = hs.URL
	return ps
}

func (ps *pageServer) instances() []ui.Instance {
	since := time.Date(2026, 12, 5, 21, 4, 0, 0, time.UTC)
	second := ui.Instance{Name: "sales-2", Gateway: "cloudapi", State: "paused", Rate: "80/1m",
		PausedReason: "gateway: the access token expired (401)", PausedSince: &since,
		Queue: &ui.InstanceQueue{Queued: 3, Pinned: 3, Waiting: 3, WaitingIDs: []string{"06h4a", "06h4b"}}}
	if ps.resumed.Load() {
		second.State, second.PausedReason, second.PausedSince = "active", "", nil
		second.Queue = &ui.InstanceQueue{Queued: 3, Pinned: 3}
	}
	return []ui.Instance{{Name: "sales-1", Gateway: "evolution", State: "active", Rate: "80/1m",
		SentLastWindow: 23, DailyCap: 1000, SentLastDay: 412}, second}
}

// seedMessages stores messages in several states: three dead of campaign
// spring, two sent, four queued (one per priority) to another number, one
// scheduled and one cancelled; the queue then ages five minutes.
func (ps *pageServer) seedMessages(t *testing.T) {
	t.Helper()
	for range 3 {
		ps.dead(t, "spring", "gateway: +34600111222 is not on WhatsApp")
	}
	ps.sent(t)
	ps.sent(t)
	for _, p := range store.Priorities {
		ps.message(t, `{"to":"+34600999888","text":"Your visit is confirmed","campaign":"autumn","priority":"`+string(p)+`"}`)
	}
	ps.message(t, `{"to":"+34600999888","text":"See you tomorrow","delay":"2h"}`)
	c := ps.message(t, `{"to":"+34600111222","text":"Sorry, wrong number"}`)
	if _, err := ps.st.Cancel(c.ID); err != nil {
		t.Fatal(err)
	}
	ps.clock.Add(5 * time.Minute)
}

// seedStats writes a week of hourly traffic and a last hour of busy
// minutes with every conversion, and gives campaign spring its costs.
func (ps *pageServer) seedStats(t *testing.T) {
	t.Helper()
	now := ps.clock.Now()
	var ds []stats.Delta
	for i := range 60 {
		sent := uint64(30 + 20*math.Sin(float64(i)/7))
		c := stats.Counters{Enqueued: sent, Sent: sent, Delivered: sent * 9 / 10, Read: sent * 6 / 10,
			Received: sent / 5, Replied: sent / 8, ConversationsStarted: sent / 10, ConversationsEnded: sent / 12}
		c.Failed = uint64(i % 9 / 8)
		c.Leads, c.QualifiedLeads = uint64(i%3/2), uint64(i%5/4)
		c.Appointments, c.Sales = uint64(i%10/9), uint64(i%20/19)
		c.Handoffs = uint64(i % 15 / 14)
		c.Value = map[string]float64{"EUR": 1500 * float64(c.Sales)}
		c.QueueWait.Observe(time.Duration(200+10*i) * time.Millisecond)
		c.Latency.Observe(time.Duration(300+i) * time.Millisecond)
		c.ResponseTime.Observe(time.Duration(40+i) * time.Second)
		campaign := []string{"spring", "autumn"}[i%2]
		ds = append(ds, stats.Delta{At: now.Add(-time.Duration(i) * time.Minute), Campaign: campaign, Instance: "sales-1", Type: "text", Counters: c})
	}
	for h := 1; h < 7*24; h++ {
		at := now.Add(-time.Duration(h) * time.Hour)
		sent := uint64(math.Max(0, 120*math.Sin(float64(at.Hour()-7)*math.Pi/14)))
		c := stats.Counters{Enqueued: sent, Sent: sent, Delivered: sent * 92 / 100, Read: sent * 7 / 10, Failed: sent / 40}
		ds = append(ds, stats.Delta{At: at, Campaign: "spring", Instance: "sales-1", Type: "text", Counters: c})
	}
	if err := stats.AddDeltas(ps.st, time.UTC, ds); err != nil {
		t.Fatal(err)
	}
	ps.do(t, "PUT", "/v1/campaigns/spring", `{"cost_per_message":0.02,"fixed_cost":40,"currency":"EUR"}`).want(t, http.StatusOK)
}

// counts is the page's counts by state, as it shows them.
func counts(tb *tab) map[string]string {
	return eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll('[data-state]')].map(e => [e.dataset.state, e.textContent]))`)
}

func rows(sel string) string {
	return fmt.Sprintf(`document.querySelectorAll(%q).length`, sel+" tbody tr")
}

// With a key: sign in, see the seeded counts, retry and delete dead
// letters, pause and resume, search, open a message, read the analytics;
// screenshots at desktop and phone widths, light and dark.
func TestPageInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "s3cret", true)
	ps.seedMessages(t)
	ps.seedStats(t)
	tb := newTab(t, browser, ps.url, func(status int64, path string) bool {
		return status == http.StatusUnauthorized && path == "/v1/queue" // the wrong key, once
	})

	tb.open(ps.url + "/")
	tb.wait(`!document.querySelector('#login').hidden && document.querySelector('#tabs').hidden`)
	tb.shot("login-phone", true)
	tb.desktop()
	tb.typeInto("#key", "wrong\n")
	tb.wait(`document.querySelector('#login-error').textContent.includes('refused')`)
	tb.typeInto("#key", "s3cret\n")
	tb.wait(`document.querySelector('[data-state="queued"]').textContent === '4'`)
	for st, n := range ps.counts(t) {
		if got := counts(tb)[string(st)]; got != fmt.Sprint(n) {
			t.Errorf("the page shows %s %s, the store has %d", got, st, n)
		}
	}
	tb.wait(`document.querySelector('#instances').textContent.includes('access token expired')`)
	tb.wait(`document.querySelector('[data-waiting="sales-2"]').textContent === '3 waiting on it' &&
		document.querySelector('[data-waiting="sales-2"]').getAttribute('href') === '#/messages?status=queued&instance=sales-2' &&
		document.querySelector('#instances').textContent.includes('06h4a, 06h4b …') &&
		document.querySelector('#instances').textContent.includes('412 of ')`)
	tb.wait(`document.querySelector('#chart-hour svg.chart polyline')`)
	tb.shot("overview-desktop", false)

	dlq(t, tb, ps)
	pauseResume(t, tb, ps)
	search(t, tb, ps)
	analytics(t, tb)

	tb.goTo("#/overview")
	tb.wait(`document.querySelector('#chart-hour svg.chart')`)
	tb.shot("overview-phone", true)
	tb.goTo("#/dlq")
	tb.wait(rows("#dlq-list") + ` === 1`)
	tb.shot("dlq-phone", true)
	tb.goTo("#/analytics")
	tb.wait(`document.querySelector('#an-campaigns table') && document.querySelector('#an-week svg.chart')`)
	tb.shot("analytics-phone", true)
	tb.dark(true)
	tb.shot("analytics-phone-dark", true)
	tb.goTo("#/overview")
	tb.wait(`document.querySelector('#chart-hour svg.chart')`)
	tb.shot("overview-phone-dark", true)
	tb.shot("overview-desktop-dark", false)

	tb.clean()
	if n := tb.allowedCount("401 /v1/queue"); n != 1 {
		t.Errorf("%d answers 401, want 1 (the wrong key)", n)
	}
}

// dlq retries one dead letter and deletes another through the page.
func dlq(t *testing.T, tb *tab, ps *pageServer) {
	t.Helper()
	tb.click(`#tabs a[data-view="dlq"]`)
	tb.wait(rows("#dlq-list") + ` === 3`)
	id := eval[string](tb, `document.querySelector('#dlq-list tbody tr').dataset.id`)
	tb.click(`#dlq-list tbody tr:first-child button[data-action="retry"]`)
	tb.wait(rows("#dlq-list") + ` === 2`)
	if m, err := ps.st.Message(id); err != nil || m.Status != store.Queued {
		t.Fatalf("retried %s: %+v %v", id, m, err)
	}
	tb.shot("dlq-desktop", false)
	tb.click(`#dlq-list tbody tr:first-child button[data-action="delete"]`)
	tb.confirm()
	tb.wait(rows("#dlq-list") + ` === 1`)
	if n := ps.counts(t)[store.Dead]; n != 1 {
		t.Fatalf("dead after a retry and a delete: %d, want 1", n)
	}
	tb.wait(`document.querySelector('#dlq-count').textContent === '1'`)
}

// pauseResume pauses and resumes through the header, and checks that a
// drain the operator backs out of drains nothing.
func pauseResume(t *testing.T, tb *tab, ps *pageServer) {
	t.Helper()
	tb.click("#pause")
	tb.confirm()
	tb.wait(`document.querySelector('#sending').textContent === 'Paused'`)
	if p, _ := ps.st.Paused(); !p {
		t.Fatal("the page's pause did not pause")
	}
	tb.click("#resume")
	tb.confirm()
	tb.wait(`document.querySelector('#sending').textContent === 'Sending'`)
	if p, _ := ps.st.Paused(); p || !ps.resumed.Load() {
		t.Fatalf("after resume: paused %v, instances resumed %v", p, ps.resumed.Load())
	}
	before := ps.counts(t)
	tb.click("#drain")
	tb.wait(`document.querySelector('#confirm').open`)
	tb.click("#confirm-cancel")
	tb.wait(`!document.querySelector('#confirm').open`)
	ps.unchanged(t, before)
}

// search finds the messages of a phone number and opens one, then a dead
// one for its last error.
func search(t *testing.T, tb *tab, ps *pageServer) {
	t.Helper()
	tb.goTo("#/overview")
	tb.press("/")
	tb.wait(`document.activeElement && document.activeElement.id === 'q-to'`)
	tb.typeInto("#q-to", "+34600999888\n")
	tb.wait(`location.hash.includes('to=') && ` + rows("#list") + ` === 5`)
	tb.shot("messages-desktop", false)
	tb.click(`#list tbody tr:first-child a`)
	tb.wait(`document.querySelectorAll('table.history tbody tr').length >= 1`)
	dead, _, err := ps.st.Messages(store.Filter{Status: store.Dead})
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead: %v %v", dead, err)
	}
	tb.goTo("#/message/" + dead[0].ID)
	tb.wait(`document.querySelector('.last-error') && document.querySelector('.last-error').textContent.includes('not on WhatsApp')`)
	tb.shot("message-desktop", false)
	tb.shot("message-phone", true)
	tb.desktop()
}

// analytics reads the funnel and the campaigns the seeded stats give.
func analytics(t *testing.T, tb *tab) {
	t.Helper()
	tb.press("4")
	tb.wait(`document.querySelector('#an-campaigns table') && document.querySelector('#an-week svg.chart') && document.querySelector('[data-step="lead"]')`)
	funnel := eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll('[data-step]')].map(e => [e.dataset.step, e.textContent]))`)
	want := map[string]string{"lead": "20", "qualified_lead": "12", "appointment": "6", "sale": "3"}
	for k, v := range want {
		if funnel[k] != v {
			t.Errorf("funnel %s: %q, want %q (all: %v)", k, funnel[k], v, funnel)
		}
	}
	if roi := eval[string](tb, `document.querySelector('#an-campaigns tr[data-id="spring"]').textContent`); !strings.Contains(roi, "%") {
		t.Errorf("spring's row has no ROI: %s", roi)
	}
	reportLinks(t, tb)
	tb.shot("analytics-desktop", false)
	tb.dark(true)
	tb.shot("analytics-desktop-dark", false)
	tb.dark(false)
}

// reportLinks fetches the three report downloads of the view with the
// tab's key, as its links do.
func reportLinks(t *testing.T, tb *tab) {
	t.Helper()
	tb.wait(`document.querySelectorAll('#an-reports a').length === 3`)
	eval[bool](tb, `(Promise.all([...document.querySelectorAll('#an-reports a')].map((a) =>
		fetch(a.href, {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('waq.key')}})
			.then((r) => a.dataset.format + ' ' + r.status + ' ' + r.headers.get('Content-Type'))))
		.then((x) => { window.reportsGot = x.join('|'); }), true)`)
	tb.wait(`window.reportsGot`)
	want := "csv 200 text/csv; charset=utf-8|xlsx 200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet|pdf 200 application/pdf"
	if got := eval[string](tb, `window.reportsGot`); got != want {
		t.Errorf("report links answer %q, want %q", got, want)
	}
}

// Without a key and without analytics: the page opens at once, says that
// the analytics are not there yet, and asked /v1/stats only once.
func TestPageWithoutAnalyticsInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", false)
	ps.seedMessages(t)
	tb := newTab(t, browser, ps.url, func(status int64, path string) bool {
		return status == http.StatusNotImplemented && strings.HasPrefix(path, "/v1/stats/")
	})
	tb.open(ps.url + "/")
	tb.wait(`document.querySelector('[data-state="dead"]').textContent === '3'`)
	if eval[bool](tb, `!document.querySelector('#login').hidden || !document.querySelector('#logout').hidden`) {
		t.Fatal("an open waq asks for a key")
	}
	tb.wait(`document.querySelector('#chart-hour').textContent.includes('Analytics not available yet')`)
	tb.click(`#tabs a[data-view="analytics"]`)
	tb.wait(`document.querySelector('#an-body').textContent.includes('Analytics not available yet')`)
	tb.shot("analytics-unavailable-desktop", false)
	tb.clean()
	if n := tb.allowedCount("501 /v1/stats/messages"); n != 1 {
		t.Errorf("/v1/stats/messages asked %d times, want once", n)
	}
}
