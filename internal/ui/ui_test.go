package ui

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestServesEmbeddedFiles(t *testing.T) {
	h := NewHandler()
	for _, c := range []struct{ path, ctype, contains string }{
		{"/ui/", "text/html; charset=utf-8", `<script type="module" src="js/app.js">`},
		{"/ui/index.html", "text/html; charset=utf-8", "<title>symscore</title>"},
		{"/ui/js/app.js", "text/javascript; charset=utf-8", "import"},
		{"/ui/css/app.css", "text/css; charset=utf-8", "body"},
		{"/ui/icon.svg", "image/svg+xml", "<svg"},
		{"/ui/vendor/noble-hashes/_md.js", "text/javascript; charset=utf-8", "export"},
		{"/ui/vendor/noble-hashes/LICENSE.txt", "text/plain; charset=utf-8", "MIT"},
	} {
		w := get(t, h, "GET", c.path)
		if w.Code != 200 || w.Header().Get("Content-Type") != c.ctype || !strings.Contains(w.Body.String(), c.contains) {
			t.Errorf("GET %s: %d %q, body has %q: %v", c.path, w.Code, w.Header().Get("Content-Type"), c.contains, strings.Contains(w.Body.String(), c.contains))
		}
		for _, kv := range securityHeaders {
			if w.Header().Get(kv[0]) != kv[1] {
				t.Errorf("GET %s: %s %q", c.path, kv[0], w.Header().Get(kv[0]))
			}
		}
		if w.Header().Get("ETag") == "" || w.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: ETag %q Cache-Control %q", c.path, w.Header().Get("ETag"), w.Header().Get("Cache-Control"))
		}
	}
}

func TestRefusesWhatIsNotAFile(t *testing.T) {
	h := NewHandler()
	for _, p := range []string{"/ui/nope.js", "/ui/js/", "/ui/js", "/ui/../go.mod", "/ui/%2e%2e/ui.go", "/ui/static/index.html",
		"/ui//index.html", "/ui/js/app.js/", "/ui/ui.go", "/ui/package.json", "/ui/vendor.sh", "/ui/index.html%00", "index.html", "js/app.js", ""} {
		r := httptest.NewRequest("GET", "/ui/x", nil)
		r.URL.Path = p // as net/http would decode it
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %q: %d, want 404", p, w.Code)
		}
		if w.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("GET %q: no Content-Security-Policy on the refusal", p)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		w := get(t, h, m, "/ui/")
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s /ui/: %d Allow %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
}

func TestRedirectHeadAndRevalidation(t *testing.T) {
	h := NewHandler()
	if w := get(t, h, "GET", "/ui"); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/ui/" {
		t.Errorf("GET /ui: %d Location %q", w.Code, w.Header().Get("Location"))
	}
	full := get(t, h, "GET", "/ui/js/app.js")
	head := get(t, h, "HEAD", "/ui/js/app.js")
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != full.Header().Get("Content-Length") {
		t.Errorf("HEAD: %d, %d body bytes, length %q (GET: %q)", head.Code, head.Body.Len(), head.Header().Get("Content-Length"), full.Header().Get("Content-Length"))
	}
	etag := full.Header().Get("ETag")
	for _, inm := range []string{etag, "W/" + etag, `"x", ` + etag, "*"} {
		if w := get(t, h, "GET", "/ui/js/app.js", "If-None-Match", inm); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: %d, %d bytes", inm, w.Code, w.Body.Len())
		}
	}
	if w := get(t, h, "GET", "/ui/js/app.js", "If-None-Match", `"stale"`); w.Code != 200 {
		t.Errorf("a stale ETag: %d", w.Code)
	}
	if other := get(t, h, "GET", "/ui/js/api.js").Header().Get("ETag"); other == etag {
		t.Error("two files share an ETag")
	}
}

func TestOwns(t *testing.T) {
	for p, want := range map[string]bool{"/ui": true, "/ui/": true, "/ui/js/app.js": true, "/uix": false, "/": false,
		"/symetry/rest/c1/projects/list": false, "/ui.html": false, "/UI/": false} {
		if Owns(p) != want {
			t.Errorf("Owns(%q) = %v", p, !want)
		}
	}
}

// TestEveryImportIsEmbedded reads every module's static imports and checks that each
// names an embedded file (go:embed leaves out files whose names start with _ or . unless
// told, and the browser would only say "failed to fetch").
func TestEveryImportIsEmbedded(t *testing.T) {
	h := NewHandler()
	imp := regexp.MustCompile(`(?m)^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']`)
	n := 0
	for name, f := range h.files {
		if !strings.HasSuffix(name, ".js") {
			continue
		}
		for _, m := range imp.FindAllStringSubmatch(string(f.body), -1) {
			target := path.Join(path.Dir(name), m[1])
			if !strings.HasPrefix(m[1], ".") {
				t.Errorf("%s imports %q: only relative imports resolve without a build step", name, m[1])
			} else if _, ok := h.files[target]; !ok {
				t.Errorf("%s imports %q: %s is not embedded", name, m[1], target)
			}
			n++
		}
	}
	if n < 20 {
		t.Fatalf("found only %d imports: the pattern no longer reads the modules", n)
	}
	// index.html's references.
	for _, ref := range regexp.MustCompile(`(?:src|href)="([^"#]+)"`).FindAllStringSubmatch(string(h.files["index.html"].body), -1) {
		if _, ok := h.files[ref[1]]; !ok {
			t.Errorf("index.html names %q, which is not embedded", ref[1])
		}
	}
}

// TestNoInlineScript: the Content-Security-Policy allows no inline script or style
// attribute, so none may be written (the browser would refuse it silently).
func TestNoInlineScript(t *testing.T) {
	h := NewHandler()
	inline := regexp.MustCompile(`<script>|<script [^>]*>[^<]|\son[a-z]+=|javascript:|\beval\(|new Function\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write`)
	for name, f := range h.files {
		if strings.HasPrefix(name, "vendor/") || !(strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".html")) {
			continue
		}
		if m := inline.FindString(string(f.body)); m != "" {
			t.Errorf("%s has %q: the page's policy forbids it (and text goes in through textContent only)", name, m)
		}
	}
}

func TestNewHandlerRefuses(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no index":          {"static/app.js": {Data: []byte("x")}},
		"unknown extension": {"static/index.html": {Data: []byte("x")}, "static/a.exe": {Data: []byte("x")}},
	} {
		if _, err := newHandler(fsys, "static"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	var _ fs.FS = static
}

func FuzzServe(f *testing.F) {
	h := NewHandler()
	f.Add("/ui/", "")
	f.Add("/ui/js/app.js", `"x", W/"y"`)
	f.Add("/ui/../x", "*")
	f.Add("/ui/vendor/noble-hashes/_md.js", ",,")
	f.Fuzz(func(t *testing.T, p, inm string) {
		r := httptest.NewRequest("GET", "/ui/", nil)
		r.URL.Path = p
		r.Header.Set("If-None-Match", inm)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		rel, under := strings.CutPrefix(p, Prefix)
		file, embedded := h.files[rel]
		embedded = embedded && under
		switch w.Code {
		case http.StatusOK:
			if !Owns(p) || !embedded || w.Body.String() != string(file.body) {
				t.Fatalf("GET %q: 200 with %d bytes", p, w.Body.Len())
			}
		case http.StatusNotModified:
			if !embedded {
				t.Fatalf("GET %q: 304 for no file", p)
			}
		case http.StatusNotFound, http.StatusMovedPermanently:
			if embedded {
				t.Fatalf("GET %q: %d for an embedded file", p, w.Code)
			}
		default:
			t.Fatalf("GET %q: %d", p, w.Code)
		}
	})
}
