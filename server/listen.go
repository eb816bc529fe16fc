package server

import (
	"net"
	"net/http"
)

// serveMain accepts connections on the main listener until it is closed.
func (s *Server) serveMain(ln net.Listener) {
	srv := &http.Server{Handler: http.NotFoundHandler()}
	s.onShutdown(srv.Shutdown)
	srv.Serve(ln)
}
