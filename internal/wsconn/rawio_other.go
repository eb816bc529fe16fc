//go:build !unix

package wsconn

import "net"

// On systems without unix read and write calls, connections read and write through
// net.Conn: an idle connection keeps its read buffer and every reply goes through the
// connection's flusher goroutine.

type rawReader struct{}

func (r *rawReader) init(nc net.Conn, cr *Reader) {}
func (r *rawReader) ok() bool                     { return false }
func (r *rawReader) read(p []byte) (int, error)   { panic("unreachable") }

type rawWriter struct{}

func (w *rawWriter) init(nc net.Conn)               {}
func (w *rawWriter) ok() bool                       { return false }
func (w *rawWriter) tryWrite(p []byte) (int, error) { panic("unreachable") }
