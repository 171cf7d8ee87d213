package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/waqhq/waq/stats"
)

// A tap on a chart shows the bucket's values and time, in the server's
// zone; a tap elsewhere hides them; the arrow keys walk the buckets. The
// analytics read their figures again when the tab comes back in sight.
func TestPageChartTipsInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", true, withLocation(kolkata(t)))
	ps.seedStats(t)
	tb := newTab(t, browser, ps.url, func(int64, string) bool { return false })
	tb.open(ps.url + "/")
	tb.wait(`document.querySelector('#chart-hour svg.chart polyline')`)
	tb.phone()
	tb.wait(`document.querySelector('#chart-hour svg.chart').getAttribute('width') === String(document.querySelector('#chart-hour').clientWidth)`)
	eval[bool](tb, `document.querySelector('#chart-hour').scrollIntoView({block: 'center'}), true`)
	tb.tap("#chart-hour svg.chart")
	tb.wait(`!document.querySelector('#chart-hour .tip').hidden`)
	sent := eval[string](tb, `document.querySelector('#chart-hour .tip [data-series="sent"] b').textContent`)
	if sent == "" || sent == "0" {
		t.Errorf("the tip shows sent %q for a busy minute", sent)
	}
	when := strings.ReplaceAll(eval[string](tb, `document.querySelector('#chart-hour .tip .when').textContent`), "\u202f", " ")
	if !inLastHour(ps.clock.Now(), kolkata(t), when) {
		t.Errorf("the tip's time %q is not a minute of the last hour in Asia/Kolkata", when)
	}
	if inLastHour(ps.clock.Now(), time.UTC, when) {
		t.Errorf("the tip's time %q is in the browser's zone (UTC)", when)
	}
	tb.shotView("overview-chart-tip-phone")
	tb.tap("#h-hour")
	tb.wait(`document.querySelector('#chart-hour .tip').hidden`)
	eval[bool](tb, `document.querySelector('#chart-hour svg.chart').focus(), true`)
	tb.do(chromedp.KeyEvent(kb.ArrowLeft))
	tb.wait(`!document.querySelector('#chart-hour .tip').hidden`)
	tb.desktop()

	tb.goTo("#/analytics?range=24h")
	tb.wait(`document.querySelector('#an-messages .stat b')`)
	before := eval[string](tb, `document.querySelector('#an-messages .stat:nth-child(2) b').textContent`)
	c := stats.Counters{Enqueued: 5000, Sent: 5000}
	if err := stats.AddDeltas(ps.st, time.UTC, []stats.Delta{{At: ps.clock.Now(), Campaign: "spring", Instance: "sales-1", Type: "text", Counters: c}}); err != nil {
		t.Fatal(err)
	}
	eval[bool](tb, `document.dispatchEvent(new Event('visibilitychange')), true`) // the tab coming back in sight
	tb.wait(fmt.Sprintf(`document.querySelector('#an-messages .stat:nth-child(2) b').textContent !== %q`, before))
	tb.clean()
}

// inLastHour says whether text holds the time of day ("3:04 PM") of one of
// the minutes of the hour before now, in loc.
func inLastHour(now time.Time, loc *time.Location, text string) bool {
	for m := range 62 {
		if strings.Contains(text, now.Add(-time.Duration(m)*time.Minute).In(loc).Format("3:04 PM")) {
			return true
		}
	}
	return false
}

// Without a mirror, the migration screen says mirroring is not available
// (the 501 of GET /v1/admin/mirror); the callbacks screen of an empty
// outbox says nothing waits. Every waq has the outbox, so GET
// /v1/callbacks never answers 404 or 501 here.
func TestPageScreensUnavailableInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", true)
	tb := newTab(t, browser, ps.url, func(status int64, path string) bool {
		return status == http.StatusNotImplemented && path == "/v1/admin/mirror"
	})
	tb.open(ps.url + "/#/callbacks")
	tb.wait(`document.querySelector('#cb-list').textContent.includes('No callback is waiting')`)
	tb.shot("callbacks-empty-phone", true)
	tb.desktop()
	tb.goTo("#/migration")
	tb.wait(`document.querySelector('#mig-mirror-status').textContent.includes('Mirroring is not available')`)
	tb.shot("migration-unavailable-desktop", false)
	tb.clean()
	if n := tb.allowedCount("501 /v1/admin/mirror"); n < 1 {
		t.Errorf("/v1/admin/mirror answered 501 %d times, want at least once", n)
	}
}
