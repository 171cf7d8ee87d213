package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/stats"
)

// seedVariants gives spring two variants with a day of sends (B replies
// 15 %, A 10 %, 1000 each: B wins) and autumn two with 60 sends each (too
// few for a winner).
func (ps *pageServer) seedVariants(t *testing.T) {
	t.Helper()
	for _, name := range []string{"spring", "autumn"} {
		ps.do(t, "PUT", "/v1/campaigns/"+name, `{"currency": "EUR", "variants": [
			{"name": "A", "weight": 50, "text": "Hola {{name}}"},
			{"name": "B", "weight": 50, "text": "{{name}}, ¿te guardo una plaza?"}]}`).want(t, http.StatusOK)
	}
	at := ps.clock.Now().Add(-time.Hour)
	d := func(campaign, variant string, c stats.Counters) stats.Delta {
		return stats.Delta{At: at, Campaign: campaign, Instance: "sales-1", Type: "text", Variant: variant, Counters: c}
	}
	err := stats.AddDeltas(ps.st, time.UTC, []stats.Delta{
		d("spring", "A", stats.Counters{Sent: 1000, Delivered: 990, Read: 500, Replied: 100, Leads: 4}),
		d("spring", "B", stats.Counters{Sent: 1000, Delivered: 995, Read: 610, Replied: 150, Leads: 9}),
		d("autumn", "A", stats.Counters{Sent: 60, Delivered: 60, Read: 30, Replied: 6}),
		d("autumn", "B", stats.Counters{Sent: 60, Delivered: 59, Read: 33, Replied: 9}),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The analytics' campaigns show each campaign's variants side by side on
// a desktop and stacked on a phone, with their rates and intervals, and
// the verdict: the winner, or how many more sends one needs.
func TestPageVariantsInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", true)
	ps.seedVariants(t)
	tb := newTab(t, browser, ps.url, func(int64, string) bool { return false })
	tb.desktop()
	tb.open(ps.url + "/#/analytics?range=24h")
	spring, autumn := `.experiment[data-campaign="spring"]`, `.experiment[data-campaign="autumn"]`
	tb.wait(fmt.Sprintf(`document.querySelectorAll('%s .variant').length === 2 && document.querySelector('%s .verdict') !== null`, spring, autumn))
	if got := eval[string](tb, `document.querySelector('`+spring+` .verdict').textContent`); !strings.HasPrefix(got, "Winner: B") {
		t.Errorf("spring's verdict %q, want the winner B", got)
	}
	if got := eval[string](tb, `document.querySelector('`+spring+` .variant.winner').dataset.variant`); got != "B" {
		t.Errorf("spring's marked winner %q", got)
	}
	if got := eval[string](tb, `document.querySelector('`+spring+` [data-variant="A"] .interval').textContent`); got != "-5.0 pts [-7.9, -2.1] · < 0.1 % likely better" {
		t.Errorf("A's interval reads %q", got)
	}
	if got := eval[string](tb, `document.querySelector('`+spring+` [data-variant="B"] .reply-rate').textContent`); got != "15 %" {
		t.Errorf("B's reply rate reads %q", got)
	}
	// The page asks for the last 24 hours; the API's default, today, holds
	// no sends in the first hour after midnight.
	from := url.QueryEscape(ps.clock.Now().Add(-24 * time.Hour).Format(time.RFC3339))
	cs := decode[stats.CampaignStats](t, ps.do(t, "GET", "/v1/stats/campaigns/autumn?from="+from, "").want(t, http.StatusOK))
	if cs.Winner != nil || cs.Needed == 0 {
		t.Fatalf("autumn: %+v", cs)
	}
	want := fmt.Sprintf("Not yet: %s more sends needed", group(cs.Needed))
	if got := eval[string](tb, `document.querySelector('`+autumn+` .verdict').textContent`); got != want {
		t.Errorf("autumn's verdict %q, want %q", got, want)
	}
	sideBySide := `(() => { const [a, b] = document.querySelectorAll('` + spring + ` .variant');
		const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
		return ra.top === rb.top && rb.left >= ra.right; })()`
	stacked := `(() => { const [a, b] = document.querySelectorAll('` + spring + ` .variant');
		const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
		return rb.top >= ra.bottom && rb.left === ra.left; })()`
	if !eval[bool](tb, sideBySide) {
		t.Errorf("at %dx%d the variants are not side by side", desktopW, desktopH)
	}
	noOverflow := `document.documentElement.scrollWidth <= document.documentElement.clientWidth`
	if !eval[bool](tb, noOverflow) {
		t.Errorf("the desktop page scrolls sideways")
	}
	tb.shot("analytics-variants-desktop", false)
	tb.phone()
	tb.wait(stacked)
	if !eval[bool](tb, noOverflow) {
		t.Errorf("the phone page scrolls sideways")
	}
	tb.shot("analytics-variants-phone", true)
	tb.clean()
}

// group writes n with thousands separators as the page's en-US locale does.
func group(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
