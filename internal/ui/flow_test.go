package ui_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestDashboardFlow is a person's session with the dashboard, in a real browser: a wrong
// secret is refused and the right one signs in; a project is created; iris is uploaded
// (progress to 100%, 150 rows, the table's means those of explore uni); a Go client learns
// in the background and the page's count rises with it; an lda model is built and appears,
// and a typed row gets the class the Go client gets; the project is deleted and the page
// says so. Each step leaves a screenshot, checked not blank, in the test's temporary
// directory.
func TestDashboardFlow(t *testing.T) {
	s, gc := startServer(t)
	b := newBrowser(t)
	ctx := context.Background()
	base := "http://" + s.Addr() + "/ui/"
	step := steps(t, b)
	live := hasSubscribe(t, s.Addr())
	needLive := func(t *testing.T) {
		if !live {
			t.Skip(liveSkip)
		}
	}

	step("sign in with a wrong secret", func(t *testing.T, b *browser) {
		b.do("open the dashboard", chromedp.Navigate(base))
		b.waitJS("the sign-in form", `document.querySelector('#signin')`)
		b.do("type a wrong secret",
			chromedp.SendKeys("#cid", testenv.CID1),
			chromedp.SendKeys("#secret", testenv.NobodysSecret),
			chromedp.Click("#signin-button"))
		b.waitJS("the refusal", `document.querySelector('#signin .error')`)
		if msg := b.text("#signin .error"); !strings.Contains(msg, "UNAUTHORIZED") {
			t.Fatalf("the page says %q, not the server's UNAUTHORIZED", msg)
		}
		b.screenshot("wrong-secret")
	})

	step("a secret that is not Base64", func(t *testing.T, b *browser) {
		b.do("type it", chromedp.SetValue("#secret", "not base64!"), chromedp.Click("#signin-button"))
		b.waitJS("the refusal", `(document.querySelector('#signin .error') || {}).textContent?.includes('Base64')`)
	})

	step("sign in", func(t *testing.T, b *browser) {
		b.do("type the right secret", chromedp.SetValue("#secret", testenv.Secret1), chromedp.Click("#signin-button"))
		b.waitJS("the project list", `document.querySelector('#project-list li')`)
		if mode := eval[string](b, `window.symscore.signingMode`); mode != "Web Crypto" {
			t.Fatalf("a loopback page signs with %q, want Web Crypto", mode)
		}
		if eval[string](b, `sessionStorage.getItem('symscore.key')`) == "" {
			t.Fatal("the key is not kept in the tab's sessionStorage")
		}
		b.screenshot("signed-in")
	})

	step("create a project", func(t *testing.T, b *browser) {
		b.do("create iris", chromedp.SendKeys("#new-pid", "iris"), chromedp.Click("#create-button"))
		b.waitJS("the project's page", `location.hash === '#/p/iris/live' && document.querySelector('#live-rows')`)
		if live {
			b.waitJS("the live subscription", `document.querySelector('#conn.live')`)
		}
		ids, err := gc.ListProjects(ctx)
		if err != nil || len(ids) != 1 || ids[0] != "iris" {
			t.Fatalf("projects after create: %v, %v", ids, err)
		}
		b.screenshot("created")
	})

	step("upload iris", func(t *testing.T, b *browser) {
		b.do("open the upload tab", chromedp.Navigate(base+"#/p/iris/upload"))
		b.do("choose the file", chromedp.SetUploadFiles("#upload-file", []string{irisFile(t)}))
		b.waitJS("the inferred types", `document.querySelectorAll('#upload-types select.type').length === 8`)
		types := eval[string](b, `[...document.querySelectorAll('#upload-types select.type')].map(s => s.value).join(',')`)
		if types != "C,C,C,C,T,B,B,B" {
			t.Fatalf("inferred types %s, want C,C,C,C,T,B,B,B (the rules of symscore learn)", types)
		}
		b.do("upload", chromedp.Click("#upload-start"))
		b.waitJS("the upload's end", `document.querySelector('#upload-done') || document.querySelector('#upload-msg .error')`)
		if e := b.text("#upload-msg .error"); e != "" {
			t.Fatalf("upload failed: %s", e)
		}
		// A server with uploads (docs/uploads.md) gets the file through them; one without,
		// as DataFrames.
		uploads := testkit.NewREST(t, s.Addr(), testenv.CID1, testenv.Secret1).Do("GET", "/uploads", "", nil).Code == 200
		if asFrames := strings.Contains(b.text("#upload-done"), "as DataFrames"); asFrames == uploads {
			t.Fatalf("server has uploads: %v; the page says %q", uploads, b.text("#upload-done"))
		}
		t.Logf("the file went through the upload endpoint: %v", uploads)
		for _, bar := range []string{"#upload-progress", "#job-progress"} {
			if p := eval[string](b, fmt.Sprintf(`document.querySelector('%s').dataset.percent`, bar)); p != "100" {
				t.Errorf("%s at %s%%, want 100", bar, p)
			}
		}
		b.screenshot("uploaded")
	})

	step("a bad cell is shown with its line and column", func(t *testing.T, b *browser) {
		bad := writeFile(t, "bad.csv", strings.Join(testkit.IrisNames, ",")+"\n5.1,3.5,1.4,0.2,setosa,1,0,0\n4.9,3.0,1.4,0.2,setosa,1,0,0\n4.7,abc,1.3,0.2,setosa,1,0,0\n")
		b.do("choose the file", chromedp.SetUploadFiles("#upload-file", []string{bad}))
		b.waitJS("the inferred types", `document.querySelectorAll('#upload-types select.type').length === 8`)
		// Typed C as iris is; inferred alone the column would be T.
		b.do("type the column C", chromedp.SetValue(`#upload-types select[data-column="sepal_width"]`, "C"), chromedp.Click("#upload-start"))
		b.waitJS("the refusal", `document.querySelector('#upload-msg .error')`)
		// The page's own check says "line 4, column ..."; the server's finalize
		// "bad.csv:4:2: column ...", which the page also spells out under it.
		msg := b.text("#upload-msg .error") + " " + b.text("#upload-where")
		if !strings.Contains(msg, "line 4") || !strings.Contains(msg, `"sepal_width"`) {
			t.Fatalf("the refusal %q does not name line 4 and column sepal_width", msg)
		}
		if info, err := gc.ProjectInfo(ctx, "iris"); err != nil || info.Rows != 150 {
			t.Fatalf("after a refused file: %+v, %v; want 150 rows, as before", info, err)
		}
		b.screenshot("upload-refused")
	})

	step("the live table matches uni", func(t *testing.T, b *browser) {
		needLive(t)
		b.do("open the live tab", chromedp.Navigate(base+"#/p/iris/live"))
		b.waitJS("150 rows", `document.querySelector('#live-rows').dataset.value === '150'`)
		for _, name := range []string{"sepal_length", "sepal_width", "petal_length", "petal_width", "species$setosa", "Iris_virginica"} {
			stats, err := gc.Explore(ctx, "iris", "uni", client.MLContext{Inputs: []string{name}})
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"count", "mean", "stddev", "min", "max"} {
				want, _ := stats[0].Get(key)
				sel := fmt.Sprintf(`#attrs tr[data-name=%q] td[data-key=%q]`, name, key)
				b.waitJS(name+" "+key, fmt.Sprintf(`(document.querySelector('%s') || {dataset: {}}).dataset.value`, sel))
				got := parseFloat(t, name+" "+key, eval[string](b, fmt.Sprintf(`document.querySelector('%s').dataset.value`, sel)))
				if got != want {
					t.Errorf("%s %s: the page shows %v, uni says %v", name, key, got, want)
				}
			}
		}
		b.screenshot("live")
	})

	step("a Go client learns and the count rises", func(t *testing.T, b *browser) {
		needLive(t)
		sess, err := gc.OpenLearn(ctx, "iris")
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		done := make(chan error, 1)
		go func() {
			var last *client.Pending
			for i := 0; i < 150; i += 5 {
				last = sess.Send(irisFrame(t, i, i+5))
			}
			_, err := last.Wait()
			done <- err
		}()
		b.waitJS("the count to rise", `Number(document.querySelector('#live-rows').dataset.value) > 150`)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		b.waitJS("300 rows", `document.querySelector('#live-rows').dataset.value === '300'`)
		b.waitJS("the attribute counts", `document.querySelector('#attrs tr[data-name="sepal_length"] td[data-key="count"]').dataset.value === '300'`)
		b.waitJS("the change log", `document.querySelectorAll('#log-feed li[data-op="learn"]').length > 0`)
		b.screenshot("learning")
	})

	step("the correlation heat map matches bi", func(t *testing.T, b *browser) {
		needLive(t)
		names := []string{"sepal_length", "petal_length", "petal_width"}
		for _, n := range names {
			b.do("pick "+n, chromedp.Click(fmt.Sprintf(`.heatnames input[value=%q]`, n)))
		}
		b.do("show", chromedp.Click("#heat-show"))
		for i, x := range names {
			for _, y := range names[i+1:] {
				stats, err := gc.Explore(ctx, "iris", "bi", client.MLContext{Inputs: []string{x, y}})
				if err != nil {
					t.Fatal(err)
				}
				want, _ := stats[0].Get("linCorr")
				sel := fmt.Sprintf(`#heatmap g[data-a=%q][data-b=%q]`, x, y)
				b.waitJS("the correlation of "+x+" and "+y, fmt.Sprintf(`(document.querySelector('%s') || {dataset: {}}).dataset.value`, sel))
				if got := parseFloat(t, "linCorr", eval[string](b, fmt.Sprintf(`document.querySelector('%s').dataset.value`, sel))); got != want {
					t.Errorf("linCorr(%s, %s): the page %v, bi %v", x, y, got, want)
				}
			}
		}
		b.screenshot("heatmap")
	})

	step("explore uni and pca", func(t *testing.T, b *browser) {
		b.do("open the explore tab", chromedp.Navigate(base+"#/p/iris/explore"))
		b.waitJS("the form", `document.querySelector('#explore-run')`)
		b.do("run uni", chromedp.SetValue("#explore-metric", "uni"), chromedp.Click("#explore-run"))
		b.waitJS("the table", `document.querySelector('#explore-table tr[data-label="petal_length"]')`)
		stats, err := gc.Explore(ctx, "iris", "uni", client.MLContext{Inputs: []string{"petal_length"}})
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range stats[0].Keys {
			got := eval[string](b, fmt.Sprintf(`document.querySelector('#explore-table tr[data-label="petal_length"] td[data-key=%q]').dataset.value`, k))
			if parseFloat(t, k, got) != stats[0].Values[i] {
				t.Errorf("uni %s: the page %s, the Go client %v", k, got, stats[0].Values[i])
			}
		}
		b.do("run pca", chromedp.SetValue("#explore-metric", "pca"), chromedp.Click("#explore-run"))
		b.waitJS("the scree plot", `document.querySelectorAll('#scree svg rect.bar').length === 4`)
		b.screenshot("pca")
	})

	var row = []string{"6.3", "2.8", "5.1", "1.5"} // a versicolor near the virginica border
	step("build lda", func(t *testing.T, b *browser) {
		b.do("open the models tab", chromedp.Navigate(base+"#/p/iris/models"))
		b.waitJS("the build form", `document.querySelector('#build-target option[value="Iris_virginica"]')`)
		b.do("fill the form",
			chromedp.SetValue("#build-algo", "lda"),
			chromedp.SendKeys("#build-id", "lda1"),
			chromedp.SetValue("#build-target", "Iris_virginica"),
			chromedp.Click("#build-start"))
		b.waitJS("the model in the list", `document.querySelector('#model-list a[data-model="lda1"]')`)
		b.waitJS("the model's information", `document.querySelector('#predict-form')`)
		if live {
			b.waitJS("the model event on the live page", `document.querySelector('#model-feed li[data-model="lda1"][data-event="built"]')`)
		}
		if e := b.text("#build-msg .error"); e != "" {
			t.Fatalf("build failed: %s", e)
		}
		b.screenshot("built")
	})

	step("predict a typed row", func(t *testing.T, b *browser) {
		for i, name := range []string{"sepal_length", "sepal_width", "petal_length", "petal_width"} {
			b.do("type "+name, chromedp.SendKeys(fmt.Sprintf(`#predict-form input[data-input=%q]`, name), row[i]))
		}
		b.do("predict", chromedp.Click("#predict-button"))
		b.waitJS("the prediction", `document.querySelector('#predict-result table')`)
		got := eval[map[string]string](b, `(() => { const t = document.querySelector('#predict-result table');
			const keys = [...t.tHead.rows[0].cells].map(c => c.textContent);
			const vals = [...t.tBodies[0].rows[0].cells].map(c => c.textContent);
			return Object.fromEntries(keys.map((k, i) => [k, vals[i]])); })()`)
		payload := fmt.Appendf(nil, `{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width"],"attributeTypes":["C","C","C","C"],"data":[[%q,%q,%q,%q]]}`, row[0], row[1], row[2], row[3])
		want, err := gc.Predict(ctx, "iris", "lda1", payload, false)
		if err != nil {
			t.Fatal(err)
		}
		if got["res"] == "" || got["res"] != want[0]["res"] {
			t.Fatalf("the page's class %q, the Go client's %q (page %v)", got["res"], want[0]["res"], got)
		}
		for k, v := range want[0] {
			if got[k] != v {
				t.Errorf("key %s: page %q, Go client %q", k, got[k], v)
			}
		}
		b.screenshot("predicted")
	})

	step("score a file", func(t *testing.T, b *browser) {
		dir := t.TempDir()
		if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
			t.Fatal(err)
		}
		b.do("choose the file", chromedp.SetUploadFiles("#predict-file", []string{irisFile(t)}))
		var scored []byte
		testenv.Eventually(t, "the scored file", func() bool {
			scored, _ = os.ReadFile(filepath.Join(dir, "iris.scored.csv"))
			return bytes.Count(scored, []byte("\n")) == 151
		})
		recs, err := csv.NewReader(bytes.NewReader(scored)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want, err := gc.Predict(ctx, "iris", "lda1", irisFrame(t, 0, 150), false)
		if err != nil {
			t.Fatal(err)
		}
		head := recs[0]
		if strings.Join(head[:8], ",") != strings.Join(testkit.IrisNames, ",") || len(head) != 8+len(want[0]) {
			t.Fatalf("scored header %v", head)
		}
		for i, r := range recs[1:] {
			for j, k := range head[8:] {
				if r[8+j] != want[i][k] {
					t.Fatalf("row %d key %s: file %q, Go client %q", i+1, k, r[8+j], want[i][k])
				}
			}
		}
	})

	step("delete the project", func(t *testing.T, b *browser) {
		b.do("open the live tab", chromedp.Navigate(base+"#/p/iris/live"))
		b.do("delete", chromedp.Click("#delete-project"))
		b.waitJS("the page to say so", `document.querySelector('#deleted')`)
		if live {
			b.waitJS("the subscription to end", `document.querySelector('#conn').textContent === 'deleted'`)
		}
		if msg := b.text("#deleted"); !strings.Contains(msg, "deleted") {
			t.Fatalf("banner %q", msg)
		}
		ids, err := gc.ListProjects(ctx)
		if err != nil || len(ids) != 0 {
			t.Fatalf("projects after delete: %v, %v", ids, err)
		}
		b.screenshot("deleted")
	})
}
