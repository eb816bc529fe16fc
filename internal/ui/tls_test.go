package ui_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// TestDashboardOverTLS serves the main listener with TLS (tls.cert_file, tls.key_file):
// the page comes over https, signs with Web Crypto (a secure context), and subscribes over
// wss:// (its signature covers the wss:// URL). Chromium does not know the test's
// authority; it is told to accept the certificate.
func TestDashboardOverTLS(t *testing.T) {
	ca := testkit.NewCA(t, "symscore test CA")
	files := ca.WriteTLSFiles(t, t.TempDir(), "symscore test server")
	cfg := testkit.Config()
	cfg.TLS.CertFile, cfg.TLS.KeyFile = files.Cert, files.Key
	s := testserver.Start(t, cfg)
	gc, err := client.New("https://"+s.Addr(), testenv.CID1, testenv.Secret1, client.WithTLSConfig(ca.ClientConfig()))
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, chromedp.IgnoreCertErrors)
	step := steps(t, b)

	step("sign in over https", func(t *testing.T, b *browser) {
		b.do("open", chromedp.Navigate("https://"+s.Addr()+"/ui/"))
		b.do("sign in", chromedp.SendKeys("#cid", testenv.CID1), chromedp.SendKeys("#secret", testenv.Secret1), chromedp.Click("#signin-button"))
		b.waitJS("the project list", `document.querySelector('#project-list li')`)
		if mode := eval[string](b, `window.symscore.signingMode`); mode != "Web Crypto" {
			t.Fatalf("an https page signs with %q, want Web Crypto", mode)
		}
	})
	step("watch a project over wss", func(t *testing.T, b *browser) {
		if !hasSubscribeTLS(t, s.Addr(), ca.ClientConfig()) {
			t.Skip(liveSkip)
		}
		b.do("create", chromedp.SendKeys("#new-pid", "secure"), chromedp.Click("#create-button"))
		b.waitJS("the live subscription", `document.querySelector('#conn.live')`)
		if _, err := gc.Learn(context.Background(), "secure", irisFrame(t, 0, 10)); err != nil {
			t.Fatal(err)
		}
		b.waitJS("10 rows", `document.querySelector('#live-rows').dataset.value === '10'`)
		b.screenshot("tls-live")
	})
}
