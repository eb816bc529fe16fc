package server

import (
	"net/http"

	"github.com/symscore/symscore/internal/ui"
)

// withDashboard serves the web dashboard (package ui) under ui.Prefix on the main listener,
// and every other request with rest. The dashboard is static files: its pages sign their
// requests to rest themselves.
func withDashboard(rest http.Handler) http.Handler {
	dash := ui.NewHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ui.Owns(r.URL.Path) {
			dash.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}
