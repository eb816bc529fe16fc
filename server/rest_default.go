package server

import "net/http"

// restHandler serves every request of the main listener that is not a WebSocket upgrade on
// a /symetry/ws/ path. This default answers 404 Not Found to everything.
func (s *Server) restHandler() http.Handler {
	return http.NotFoundHandler()
}
