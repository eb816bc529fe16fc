package ui_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/symscore/symscore/internal/testenv"
)

// TestDashboardWithoutWebCrypto opens the dashboard over plain http under a host name that
// is not loopback (every 127.x address is a secure context; Chromium's
// --host-resolver-rules maps symscore.test to the loopback server), where the page has no
// Web Crypto: it must sign its REST requests and its subscription with @noble/hashes.
func TestDashboardWithoutWebCrypto(t *testing.T) {
	s, gc := startServer(t)
	b := newBrowser(t, chromedp.Flag("host-resolver-rules", "MAP symscore.test 127.0.0.1"))
	_, port := splitPort(t, s.Addr())
	base := fmt.Sprintf("http://symscore.test:%s/ui/", port)
	step := steps(t, b)

	step("no Web Crypto", func(t *testing.T, b *browser) {
		b.do("open the dashboard", chromedp.Navigate(base))
		b.waitJS("the sign-in form", `document.querySelector('#signin')`)
		if eval[bool](b, `window.isSecureContext || !!(globalThis.crypto && crypto.subtle)`) {
			t.Fatal("the page is a secure context: the test would not show signing without Web Crypto")
		}
	})
	step("sign in", func(t *testing.T, b *browser) {
		b.do("type the key",
			chromedp.SendKeys("#cid", testenv.CID1),
			chromedp.SendKeys("#secret", testenv.Secret1),
			chromedp.Click("#signin-button"))
		b.waitJS("the project list", `document.querySelector('#project-list li')`)
		if mode := eval[string](b, `window.symscore.signingMode`); mode != "JavaScript (@noble/hashes 2.4.0)" {
			t.Fatalf("signing mode %q", mode)
		}
		b.screenshot("no-web-crypto")
	})
	step("create a project and watch it", func(t *testing.T, b *browser) {
		if !hasSubscribe(t, s.Addr()) {
			t.Skip(liveSkip)
		}
		b.do("create", chromedp.SendKeys("#new-pid", "plain"), chromedp.Click("#create-button"))
		b.waitJS("the live subscription", `document.querySelector('#conn.live')`)
		if _, err := gc.Learn(context.Background(), "plain", irisFrame(t, 0, 10)); err != nil {
			t.Fatal(err)
		}
		b.waitJS("10 rows", `document.querySelector('#live-rows').dataset.value === '10'`)
		b.screenshot("no-web-crypto-live")
	})
}
