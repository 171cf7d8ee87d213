// Package chrometest starts Debian's chromium, headless, for the browser
// tests of waq's packages (ui's status page, store/resp's Redis Commander
// test), and waits on what a page shows.
package chrometest

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// StepTimeout bounds one step, so a page that never shows what a test
// waits for fails in seconds rather than at go test's timeout.
const StepTimeout = 30 * time.Second

// Path returns the browser's path, or skips the test when there is none:
// .ci/run installs it, a developer's machine may not have it.
func Path(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium): skipping the browser test")
	return ""
}

// Start starts one headless browser with a w×h window for a test's tabs;
// it ends with the test.
func Start(t testing.TB, w, h int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Path(t)),
		chromedp.NoSandbox, // the tests run as root in CI
		chromedp.WindowSize(w, h),
		chromedp.Flag("lang", "en-US"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Wait waits, at most StepTimeout, until the JavaScript expression is
// truthy in the tab ctx; while it throws (the element is not there yet) or
// the page is being replaced (a navigation), it counts as false.
func Wait(ctx context.Context, expr string) error {
	ctx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	safe := "(() => { try { return !!(" + expr + "); } catch { return false; } })()"
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](safe))
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = ctx.Err()
			}
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Eval returns the value of a JavaScript expression in the tab ctx.
func Eval[T any](ctx context.Context, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}
