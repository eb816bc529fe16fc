// Package ui is symscore's web dashboard: static files embedded in the binary (go:embed),
// served under /ui/ on the main listener, and nothing else. The page speaks only
// symscore's public protocols from the browser — signed REST (docs/protocol.md 2),
// /symetry/ws/subscribe (docs/subscribe.md) and the uploads (docs/uploads.md) — so it needs
// no server-side state or session, and it is those protocols' first browser client. The
// user's guide is docs/dashboard.md.
//
// Handler serves the files with a fixed content type per extension, a strong ETag (a hash
// of the bytes, so that a browser revalidates cheaply and never runs a stale script after
// an upgrade), and headers that keep the page to itself: a Content-Security-Policy that
// allows scripts, styles and connections from the page's own origin only (no inline
// script, no eval), no framing, no referrer, no MIME sniffing. Only GET and HEAD are
// served; a path that is not one of the embedded files is 404, so nothing outside them —
// no directory listing, no ../ — can be reached.
//
// The signing code runs in the browser: HMAC-SHA256 through Web Crypto where the page is
// a secure context (https, localhost, 127.0.0.0/8), else through @noble/hashes, vendored
// under static/vendor/noble-hashes at the version package-lock.json pins (vendor.sh
// refreshes it and checks the copy). MD5 (Content-MD5) always comes from @noble/hashes:
// Web Crypto has none.
//
// The package imports only the standard library: the server mounts Handler (server/wire.go)
// and nothing here knows an operation.
package ui
