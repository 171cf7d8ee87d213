package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

var logShots sync.Once

// shotsDir is where the screenshots go, logged once per run.
func shotsDir(t *testing.T) string {
	t.Helper()
	dir := screenshotDir
	if d := os.Getenv("WAQ_ARTIFACTS"); d != "" {
		dir = filepath.Join(d, "screenshots")
	}
	logShots.Do(func() {
		abs, _ := filepath.Abs(dir)
		t.Logf("screenshots in %s", abs)
	})
	return dir
}

// phone switches to a phone's viewport with touch, as shot takes it.
func (tb *tab) phone() {
	tb.t.Helper()
	tb.do(chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
}

// tap touches the middle of the element sel finds with one finger, as a
// phone does: a touchstart and a touchend at the same place.
func (tb *tab) tap(sel string) {
	tb.t.Helper()
	xy := eval[[]float64](tb, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2]; })()`, sel))
	touch := func(typ input.DispatchTouchEventType, pts []*input.TouchPoint) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts})
			return err
		})
	}
	tb.do(touch(input.DispatchTouchEventTypeTouchStart, []*input.TouchPoint{{X: xy[0], Y: xy[1]}}),
		touch(input.DispatchTouchEventTypeTouchEnd, []*input.TouchPoint{}))
}

// shotView writes a screenshot of what the viewport shows now, without
// resizing it (which would redraw the charts and close their tips).
func (tb *tab) shotView(name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := shotsDir(tb.t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}
