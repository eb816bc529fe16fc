package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's Chromium (apt-get install -y chromium; .ci/run installs
// it) headless through chromedp, against a test server on loopback. They skip, saying
// why, only when no Chromium is installed.

// chromiumPaths are where Chromium is looked for, first found wins; SYMSCORE_CHROMIUM
// names another.
var chromiumPaths = []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"}

// browserTimeout bounds one browser test as a whole; waitJS bounds each wait.
const (
	browserTimeout = 3 * time.Minute
	waitTimeout    = 20 * time.Second
)

func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SYMSCORE_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range chromiumPaths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip("SKIPPED: no Chromium (looked for " + strings.Join(chromiumPaths, ", ") + " and chromium on PATH): " +
		"the dashboard's browser tests need it; `apt-get install -y chromium` (.ci/run does)")
	return ""
}

// browser is one headless Chromium with a fresh profile and one tab, for one test; on
// gives a subtest its view of it.
type browser struct {
	t   *testing.T
	ctx context.Context // the tab; bounded by browserTimeout
	st  *browserState
}

// browserState is what a test and its subtests share of a browser.
type browserState struct {
	mu   sync.Mutex // guards errs, shot
	errs []string   // uncaught exceptions and console.error calls of the page
	shot int        // screenshots taken
}

// on is b for the (sub)test t: its failures and screenshots are t's.
func (b *browser) on(t *testing.T) *browser {
	c := *b
	c.t = t
	return &c
}

// newBrowser starts Chromium headless with the flags the project's CI uses, plus extra.
// The page's uncaught exceptions and console errors fail the test at its end.
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{t: t, st: &browserState{}}
	tab, cancelTab := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.st.mu.Lock()
			d := ev.ExceptionDetails
			desc := d.Text
			if d.Exception != nil {
				desc += " " + d.Exception.Description
			}
			b.st.errs = append(b.st.errs, fmt.Sprintf("uncaught at %s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, desc))
			b.st.mu.Unlock()
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.st.mu.Lock()
				b.st.errs = append(b.st.errs, "console.error: "+strings.Join(parts, " "))
				b.st.mu.Unlock()
			}
		}
	}))
	// The first Run starts the browser, and its context must outlive the test's steps.
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, browserTimeout)
	b.ctx = ctx
	// confirm() dialogs (delete) are accepted.
	go func() {
		for _, err := range chromedp.Events(tab, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		b.st.mu.Lock()
		defer b.st.mu.Unlock()
		for _, e := range b.st.errs {
			t.Errorf("page error: %s", e)
		}
	})
	return b
}

// do runs chromedp steps on the tab, at most waitTimeout, failing the test on error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail("%s: %v", what, err)
	}
}

// steps runs f as subtests of t, in order, each with its own view of b; the first that
// fails ends t (each step needs the ones before it).
func steps(t *testing.T, b *browser) func(name string, f func(t *testing.T, b *browser)) {
	return func(name string, f func(t *testing.T, b *browser)) {
		t.Helper()
		if !t.Run(name, func(t *testing.T) { f(t, b.on(t)) }) {
			t.FailNow()
		}
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) into T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("evaluating %s: %v", expr, err)
	}
	return v
}

// waitJS polls a JavaScript expression until it is true, as testenv.Eventually does for Go
// state: every 25 ms, at most waitTimeout. (chromedp.Poll builds its predicate with new
// Function, which the dashboard's Content-Security-Policy forbids: evaluating through the
// DevTools protocol is not subject to it.)
func (b *browser) waitJS(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.fail("timed out after %v waiting for %s (%s; last error %v)", waitTimeout, what, expr, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// text is the textContent of the first element matching a CSS selector ("" if none).
func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ''`, sel))
}

// keep copies a screenshot to $SYMSCORE_UI_SCREENSHOTS when it is set, where it outlives
// the test (to look at a failure, or to refresh docs/dashboard.png).
func keep(t *testing.T, name string, buf []byte) {
	if dir := os.Getenv("SYMSCORE_UI_SCREENSHOTS"); dir != "" {
		p := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+"-"+name)
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			t.Logf("keeping the screenshot: %v", err)
		}
	}
}

// fail saves a screenshot of the page as it is, then fails the test.
func (b *browser) fail(format string, args ...any) {
	b.t.Helper()
	if buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); err == nil {
		p := filepath.Join(b.t.TempDir(), "failure.png")
		if os.WriteFile(p, buf, 0o644) == nil {
			b.t.Logf("screenshot of the failure: %s", p)
		}
		keep(b.t, "failure.png", buf)
	}
	b.t.Fatalf(format, args...)
}

// screenshot saves the page as <n>-<name>.png under the test's temporary directory, checks
// that it is not blank, and returns its path.
func (b *browser) screenshot(name string) string {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fail("screenshot %s: %v", name, err)
	}
	if err := checkNotBlank(buf); err != nil {
		b.fail("screenshot %s: %v", name, err)
	}
	b.st.mu.Lock()
	b.st.shot++
	n := b.st.shot
	b.st.mu.Unlock()
	p := filepath.Join(b.t.TempDir(), fmt.Sprintf("%02d-%s.png", n, name))
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
	keep(b.t, filepath.Base(p), buf)
	return p
}

// checkNotBlank decodes a PNG and refuses one that is nearly a single colour: a page that
// drew nothing (or only its background) has few colours and few pixels off the dominant
// one, the dashboard's text, tables and bars many.
func checkNotBlank(buf []byte) error {
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		return fmt.Errorf("not a PNG: %v", err)
	}
	r := img.Bounds()
	if r.Dx() < 200 || r.Dy() < 200 {
		return fmt.Errorf("image of %dx%d is too small", r.Dx(), r.Dy())
	}
	counts := map[[3]uint32]int{}
	total := 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			counts[[3]uint32{cr >> 8, cg >> 8, cb >> 8}]++
			total++
		}
	}
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	if off := total - top; len(counts) < 16 || off*100 < total {
		return fmt.Errorf("the page looks blank: %d colours, %d of %d sampled pixels off the dominant colour", len(counts), off, total)
	}
	return nil
}
