package ui_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/stats"
)

// seedHeatmap writes four weeks of sends from 08:00 to 21:00 whose reads
// peak at 20:00, and returns the hour that peaks.
func (ps *pageServer) seedHeatmap(t *testing.T) int {
	t.Helper()
	now := ps.clock.Now().UTC()
	var ds []stats.Delta
	for d := 1; d < 27; d++ {
		day := time.Date(now.Year(), now.Month(), now.Day()-d, 0, 0, 0, 0, time.UTC)
		for hr := 8; hr < 22; hr++ {
			c := stats.Counters{Sent: 10, Read: 3, Replied: 1}
			if hr == 20 {
				c.Read, c.Replied = 9, 4
			}
			ds = append(ds, stats.Delta{At: day.Add(time.Duration(hr) * time.Hour), Campaign: "spring", Counters: c})
		}
	}
	if err := stats.AddDeltas(ps.st, time.UTC, ds); err != nil {
		t.Fatal(err)
	}
	return 20
}

// The analytics view shows the heatmap as 7 × 24 cells coloured by read
// rate with a legend; a tap on a cell (phone) or the mouse (desktop) shows
// its counts, and another metric redraws it.
func TestPageHeatmapInChromium(t *testing.T) {
	browser := startChromium(t)
	ps := newPageServer(t, "", true)
	peak := ps.seedHeatmap(t)
	tb := newTab(t, browser, ps.url, func(int64, string) bool { return false })
	tb.open(ps.url + "/#/analytics?range=7d")
	tb.wait(`document.querySelectorAll('#an-heatmap .hm-cell').length === 168`)
	if n := eval[int](tb, `document.querySelectorAll('#an-heatmap .hm-legend li').length`); n != 6 {
		t.Errorf("the legend has %d steps, want 6", n)
	}
	// Thursday at the peak hour: the darkest step; at 03:00, nothing sent
	thu := func(hr int) string { return fmt.Sprintf(`#an-heatmap .hm-cell[data-i="%d"]`, 3*24+hr) }
	if cls := eval[string](tb, `document.querySelector('`+thu(peak)+`').className`); !strings.Contains(cls, "hm-5") {
		t.Errorf("the peak cell is %q, want the darkest step", cls)
	}
	if cls := eval[string](tb, `document.querySelector('`+thu(3)+`').className`); !strings.Contains(cls, "hm-0") {
		t.Errorf("a night cell is %q, want the empty step", cls)
	}
	eval[bool](tb, `document.querySelector('#an-heatmap').scrollIntoView({block: 'center'}), true`)
	tb.shotView("analytics-heatmap-desktop")

	tb.phone()
	// The charts above redraw at the phone's width 150 ms after the resize,
	// moving the grid: tap once they have.
	tb.wait(`(b => b.querySelector('svg.chart') && b.querySelector('svg.chart').getAttribute('width') === String(b.clientWidth))(document.querySelector('#an-week .chart-box'))`)
	eval[bool](tb, `document.querySelector('#an-heatmap').scrollIntoView({block: 'center'}), true`)
	tb.tap(thu(peak))
	tb.wait(`!document.querySelector('#an-heatmap .tip').hidden`)
	when := eval[string](tb, `document.querySelector('#an-heatmap .tip .when').textContent`)
	read := eval[string](tb, `document.querySelector('#an-heatmap .tip [data-k="read"] b').textContent`)
	if !strings.HasPrefix(when, fmt.Sprintf("Thu %d:00", peak)) || read == "" || read == "0" {
		t.Errorf("the tip says %q with read %q", when, read)
	}
	if w := eval[float64](tb, `document.querySelector('#an-heatmap .hm').getBoundingClientRect().right`); w > phoneW {
		t.Errorf("the grid ends at %.0f px, past the phone's %d", w, phoneW)
	}
	tb.shotView("analytics-heatmap-tip-phone")
	tb.tap("#h-heatmap")
	tb.wait(`document.querySelector('#an-heatmap .tip').hidden`)

	tb.desktop()
	eval[bool](tb, `(s => { s.value = 'sent'; s.dispatchEvent(new Event('change')); })(document.querySelector('#hm-metric')), true`)
	tb.wait(`document.querySelector('#an-heatmap .hm').getAttribute('aria-label').startsWith('Sent')`)
	tb.shot("analytics-heatmap-desktop-full", false)
	tb.clean()
}
