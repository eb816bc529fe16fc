package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestHostileNamesAreText: ids and attribute names are the customer's data, shown as text
// and never read as HTML — a project id and an attribute name made of markup appear
// verbatim, and no element of theirs is made.
func TestHostileNamesAreText(t *testing.T) {
	s, gc := startServer(t)
	ctx := context.Background()
	const pid = `x<b>y<b>"'&amp;`
	const attr = `<img src=x onerror="document.title='owned'">`
	if err := gc.CreateProject(ctx, pid, "cpu", nil); err != nil {
		t.Fatal(err)
	}
	frame := testkit.FrameJSON([]string{attr, "v"}, []string{"C", "C"}, [][]string{{"1", "2"}, {"3", "4"}}, 0)
	if _, err := gc.Learn(ctx, pid, frame); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	step := steps(t, b)
	noMarkup := `document.querySelectorAll('main b, main img').length === 0 && document.title === 'symscore'`

	step("the projects page", func(t *testing.T, b *browser) {
		b.do("open", chromedp.Navigate("http://"+s.Addr()+"/ui/"))
		b.do("sign in", chromedp.SendKeys("#cid", testenv.CID1), chromedp.SendKeys("#secret", testenv.Secret1), chromedp.Click("#signin-button"))
		b.waitJS("the project", `document.querySelector('#project-list a[data-pid]')`)
		if got := b.text("#project-list a[data-pid]"); got != pid {
			t.Fatalf("the project is shown as %q, want %q", got, pid)
		}
		if !eval[bool](b, noMarkup) {
			t.Fatal("an id made an element")
		}
	})
	step("the project's page", func(t *testing.T, b *browser) {
		b.do("open it", chromedp.Click("#project-list a[data-pid]"))
		b.waitJS("its page", `document.querySelector('#pid')`)
		if got := b.text("#pid"); got != pid {
			t.Fatalf("the page names %q, want %q", got, pid)
		}
		b.do("open the explore tab", chromedp.Navigate("http://"+s.Addr()+"/ui/#/p/"+url.PathEscape(pid)+"/explore"))
		b.waitJS("the attribute in the form", fmt.Sprintf(`[...document.querySelectorAll('.explore-inputs label')].some(l => l.textContent.trim() === %q)`, attr))
		if hasSubscribe(t, s.Addr()) {
			b.do("open the live tab", chromedp.Navigate("http://"+s.Addr()+"/ui/#/p/"+url.PathEscape(pid)+"/live"))
			b.waitJS("the attribute's row", fmt.Sprintf(`[...document.querySelectorAll('#attrs tbody th')].some(th => th.textContent === %q)`, attr))
		}
		if !eval[bool](b, noMarkup) {
			t.Fatal("a name made an element")
		}
		b.screenshot("hostile-names")
	})
}
