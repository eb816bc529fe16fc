package ui_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// TestDashboardReconnects stops the server under an open live page and starts it again on
// the same address and data: the page says it is reconnecting, dials again, subscribes
// again, and follows the project's learning as before.
func TestDashboardReconnects(t *testing.T) {
	cfg := testkit.Config()
	cfg.DataDir = t.TempDir()
	first := testserver.StartManual(t, cfg)
	addr := first.Addr()
	if !hasSubscribe(t, addr) {
		first.Shutdown(context.Background())
		t.Skip(liveSkip)
	}
	gc := goClient(t, addr)
	ctx := context.Background()
	if err := gc.CreateProject(ctx, "r", "cpu", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := gc.Learn(ctx, "r", irisFrame(t, 0, 10)); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	step := steps(t, b)

	step("watch", func(t *testing.T, b *browser) {
		b.do("open", chromedp.Navigate("http://"+addr+"/ui/"))
		b.do("sign in", chromedp.SendKeys("#cid", testenv.CID1), chromedp.SendKeys("#secret", testenv.Secret1), chromedp.Click("#signin-button"))
		b.waitJS("the project list", `document.querySelector('#project-list a[data-pid="r"]')`)
		b.do("open the project", chromedp.Click(`#project-list a[data-pid="r"]`))
		b.waitJS("10 rows", `document.querySelector('#conn.live') && document.querySelector('#live-rows').dataset.value === '10'`)
	})
	step("the server stops", func(t *testing.T, b *browser) {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := first.Shutdown(sctx); err != nil {
			t.Fatal(err)
		}
		b.waitJS("the page to say it reconnects", `document.querySelector('#conn.reconnecting')`)
		b.screenshot("reconnecting")
	})
	step("it comes back", func(t *testing.T, b *browser) {
		cfg.Listen = addr
		testserver.Start(t, cfg)
		b.waitJS("the subscription again", `document.querySelector('#conn.live')`)
		if _, err := gc.Learn(ctx, "r", irisFrame(t, 10, 30)); err != nil {
			t.Fatal(err)
		}
		b.waitJS("30 rows", `document.querySelector('#live-rows').dataset.value === '30'`)
		b.waitJS("the attribute table too", `document.querySelector('#attrs tr[data-name="sepal_length"] td[data-key="count"]').dataset.value === '30'`)
		b.screenshot("reconnected")
	})
}
