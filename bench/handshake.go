package bench

import (
	"bufio"
	"io"
)

// handshakeReader hands the upgrader the bytes of the HTTP upgrade request and nothing
// after it: the request ends at the first empty line ("\r\n\r\n"). ws.Upgrader reads
// through a pooled buffer of its own that it drops on return, so without this bound the
// first frames of a client that writes them right behind its request would be lost. The
// bytes past the request stay in br, the connection's reader.
type handshakeReader struct {
	br    *bufio.Reader
	state int // how much of "\r\n\r\n" the bytes read so far end with; 4 = request complete
}

func (h *handshakeReader) Read(p []byte) (int, error) {
	if h.state == 4 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if h.br.Buffered() == 0 {
		if _, err := h.br.Peek(1); err != nil {
			return 0, err
		}
	}
	buf, _ := h.br.Peek(h.br.Buffered())
	n := 0
	for n < len(buf) && n < len(p) && h.state < 4 {
		c := buf[n]
		n++
		switch {
		case c == '\r' && (h.state == 0 || h.state == 2):
			h.state++
		case c == '\n' && (h.state == 1 || h.state == 3):
			h.state++
		case c == '\r':
			h.state = 1
		default:
			h.state = 0
		}
	}
	copy(p, buf[:n])
	h.br.Discard(n)
	return n, nil
}

// handshakeConn is what the upgrader reads from and writes to.
type handshakeConn struct {
	io.Reader
	io.Writer
}
