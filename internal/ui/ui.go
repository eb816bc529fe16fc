package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Prefix is the path the dashboard is served under; Path without its final slash
// redirects to it.
const Prefix = "/ui/"

//go:embed all:static
var static embed.FS

// contentTypes maps the extensions of the embedded files to their content types. A file
// with another extension is not served (a test checks that every embedded file has one).
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".txt":  "text/plain; charset=utf-8",
}

// securityHeaders are sent with every answer of the dashboard. 'self' in connect-src
// covers the WebSocket endpoints of the page's own host (ws: for an http: page, wss: for
// https:).
var securityHeaders = [][2]string{
	{"Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "no-referrer"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Cross-Origin-Resource-Policy", "same-origin"},
}

// file is one embedded file, ready to serve.
type file struct {
	body        []byte
	contentType string
	etag        string // strong: a hash of body, quoted
}

// Handler serves the embedded dashboard. It is safe for concurrent use and holds no
// state but the files.
type Handler struct {
	files map[string]*file // by path under Prefix ("" is index.html)
}

// NewHandler reads the embedded files. It panics when they cannot be read or one has an
// extension without a content type, which a test of this package catches first.
func NewHandler() *Handler {
	h, err := newHandler(static, "static")
	if err != nil {
		panic("ui: " + err.Error())
	}
	return h
}

func newHandler(fsys fs.FS, root string) (*Handler, error) {
	h := &Handler{files: map[string]*file{}}
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			return &fs.PathError{Op: "serve", Path: p, Err: fs.ErrInvalid}
		}
		sum := sha256.Sum256(body)
		rel := strings.TrimPrefix(p, root+"/")
		h.files[rel] = &file{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
		return nil
	})
	if err != nil {
		return nil, err
	}
	index, ok := h.files["index.html"]
	if !ok {
		return nil, &fs.PathError{Op: "serve", Path: root + "/index.html", Err: fs.ErrNotExist}
	}
	h.files[""] = index
	return h, nil
}

// Owns reports whether urlPath (decoded, as r.URL.Path) is the dashboard's: Prefix and
// everything under it, and Prefix without its final slash.
func Owns(urlPath string) bool {
	return urlPath == Prefix[:len(Prefix)-1] || strings.HasPrefix(urlPath, Prefix)
}

// ServeHTTP serves one request whose path Owns.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	for _, kv := range securityHeaders {
		hd.Set(kv[0], kv[1])
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the dashboard is read-only", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == Prefix[:len(Prefix)-1] {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		return
	}
	rel, under := strings.CutPrefix(r.URL.Path, Prefix)
	f, ok := h.files[rel]
	if !under || !ok {
		http.Error(w, "not found: no such file in the dashboard", http.StatusNotFound)
		return
	}
	hd.Set("ETag", f.etag)
	// no-cache: the browser keeps the file but asks each time, and the ETag answers 304.
	hd.Set("Cache-Control", "no-cache")
	if etagMatch(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", f.contentType)
	hd.Set("Content-Length", strconv.Itoa(len(f.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(f.body) // a client that hung up needs no answer
	}
}

// etagMatch reports whether an If-None-Match header lists etag (or is "*"), weak
// comparison as RFC 9110 13.1.2 asks.
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
