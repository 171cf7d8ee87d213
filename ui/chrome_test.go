package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/waqhq/waq/internal/chrometest"
)

// The page's browser tests drive Debian's chromium, headless. They write
// screenshots for a person to look at into WAQ_ARTIFACTS when it is set
// (CI keeps that folder as the run's artefacts), else here; the folder is
// gitignored.
const screenshotDir = "testdata/screenshots"

// Viewports the screenshots are taken at.
const (
	desktopW, desktopH = 1280, 800
	phoneW, phoneH     = 390, 844
)

// stepTimeout bounds one step (chrometest's, which starts the browser).
const stepTimeout = chrometest.StepTimeout

// startChromium starts one headless browser for a test's tabs, or skips
// the test when there is none.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	return chrometest.Start(t, desktopW, desktopH)
}

// tab is one page under test, with what the browser reported of it.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	urls     map[network.RequestID]string
	problems []string       // console errors, exceptions, failed requests
	allowed  map[string]int // expected error answers seen, by "status path"
}

// newTab opens a tab on the page at base. allow says which error answers
// the test expects; any other status >= 400 is a problem.
func newTab(t *testing.T, browser context.Context, base string, allow func(status int64, path string) bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, base: base, urls: map[network.RequestID]string{}, allowed: map[string]int{}}
	if err := chromedp.Listen(ctx, func(ev any) { tb.note(ev, allow) }); err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.EmulateViewport(desktopW, desktopH))
	return tb
}

// note runs on the tab's event loop: it only records.
func (tb *tab) note(ev any, allow func(int64, string) bool) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			tb.problems = append(tb.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, "exception: "+msg)
	case *cdplog.EventEntryAdded:
		// Network entries repeat the failed requests, judged below.
		if ev.Entry.Level == cdplog.EntryLevelError && ev.Entry.Source != cdplog.EntrySourceNetwork {
			tb.problems = append(tb.problems, fmt.Sprintf("log %s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		tb.urls[ev.RequestID] = ev.Request.URL
	case *network.EventResponseReceived:
		u, _ := url.Parse(ev.Response.URL)
		switch {
		case ev.Response.Status < 400:
		case allow(ev.Response.Status, u.Path):
			tb.allowed[fmt.Sprintf("%d %s", ev.Response.Status, u.Path)]++
		default:
			tb.problems = append(tb.problems, fmt.Sprintf("request %s: %d", ev.Response.URL, ev.Response.Status))
		}
	case *network.EventLoadingFailed:
		tb.problems = append(tb.problems, fmt.Sprintf("request %s failed: %s", tb.urls[ev.RequestID], ev.ErrorText))
	}
}

// snapshot returns the problems seen so far.
func (tb *tab) snapshot() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.Clone(tb.problems)
}

// clean fails the test for any console error or failed request so far,
// and for an id that two elements of the page share (a view's id taking
// another's, as the DLQ's selection count once took the tab's badge).
func (tb *tab) clean() {
	tb.t.Helper()
	for _, p := range tb.snapshot() {
		tb.t.Error(p)
	}
	dup := eval[[]string](tb, `(() => { const seen = new Set(), dup = [];
		for (const e of document.querySelectorAll('[id]')) { if (seen.has(e.id)) dup.push(e.id); seen.add(e.id); }
		return dup; })()`)
	if len(dup) > 0 {
		tb.t.Errorf("ids used twice in the page: %v", dup)
	}
}

// allowedCount returns how often an expected error answer came, as "401 /v1/queue".
func (tb *tab) allowedCount(key string) int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.allowed[key]
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v (problems so far: %v)", err, tb.snapshot())
	}
}

// wait waits until the JavaScript expression is truthy; while it throws
// (the element is not there yet) it counts as false.
func (tb *tab) wait(expr string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	safe := "(() => { try { return (" + expr + "); } catch { return false; } })()"
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](safe, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		tb.t.Fatalf("waiting for %s: %v (problems so far: %v)", expr, err, tb.snapshot())
	}
}

// eval returns the value of a JavaScript expression in the tab.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

func (tb *tab) open(u string) { tb.t.Helper(); tb.do(chromedp.Navigate(u)) }

// desktop puts the viewport back to the desktop's after a phone's.
func (tb *tab) desktop() { tb.t.Helper(); tb.do(chromedp.EmulateViewport(desktopW, desktopH)) }

// goTo sets the address's #fragment, which the page routes by.
func (tb *tab) goTo(hash string) {
	tb.t.Helper()
	eval[string](tb, fmt.Sprintf("location.hash = %q", hash))
}

// press types a key with the focus on the page itself, as a shortcut.
func (tb *tab) press(key string) {
	tb.t.Helper()
	eval[bool](tb, `document.activeElement.blur(), true`)
	tb.do(chromedp.KeyEvent(key))
}

// typeInto replaces the value of a field by typing text; a final "\n"
// presses Enter.
func (tb *tab) typeInto(sel, text string) {
	tb.t.Helper()
	eval[string](tb, fmt.Sprintf("document.querySelector(%q).value = ''", sel))
	tb.do(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// click clicks the element sel finds.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(sel)))
}

// confirm answers the page's confirmation dialog with its OK button.
func (tb *tab) confirm() {
	tb.t.Helper()
	tb.wait(`document.querySelector('#confirm').open`)
	tb.click("#confirm-ok")
	tb.wait(`!document.querySelector('#confirm').open`)
}

// dark switches prefers-color-scheme.
func (tb *tab) dark(on bool) {
	tb.t.Helper()
	v := "light"
	if on {
		v = "dark"
	}
	tb.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}})
		return err
	}))
}

// shot writes a screenshot of the whole page at width w (a phone's when
// phone is set) as testdata/screenshots/<name>.png: the viewport grows to
// the page's height for it, then comes back.
func (tb *tab) shot(name string, phone bool) {
	tb.t.Helper()
	w, h, opts := int64(desktopW), int64(desktopH), []chromedp.EmulateViewportOption(nil)
	if phone {
		w, h, opts = phoneW, phoneH, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateScale(2)}
	}
	// Toasts of earlier steps would hide part of the view.
	eval[bool](tb, `document.querySelector('#toasts').replaceChildren(), true`)
	tb.do(chromedp.EmulateViewport(w, h, opts...), chromedp.Sleep(300*time.Millisecond)) // charts redraw 150 ms after a resize
	full := max(h, eval[int64](tb, `Math.ceil(document.documentElement.scrollHeight)`))
	tb.do(chromedp.EmulateViewport(w, full, opts...), chromedp.Sleep(300*time.Millisecond))
	tb.shotView(name)
	tb.do(chromedp.EmulateViewport(w, h, opts...))
}
