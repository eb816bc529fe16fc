// Package server runs symscore: the main listener (gobwas/ws WebSocket endpoints and the
// REST control plane) and the admin listener. Only cmd/symscore and bench import it.
package server
