package server

// wsEndpoints returns the WebSocket endpoints of the main listener by path. This default
// registers none: only the test echo endpoint (see echo.go) is served.
func (s *Server) wsEndpoints() map[string]wsEndpoint {
	return map[string]wsEndpoint{}
}
