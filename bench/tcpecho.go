package bench

import "net"

// tcpEchoBufferBytes is the buffer of one TCP echo connection.
const tcpEchoBufferBytes = 16 << 10

// StartTCPEcho starts the raw TCP floor on addr (e.g. "127.0.0.1:0"): every byte a
// connection receives is written back as it arrives, with no framing of its own. The load
// generator in mode "tcp" prefixes each message with its length (4 bytes, big endian) and
// reads back exactly that many bytes, so a round trip moves the same message bytes as the
// WebSocket floor, minus the WebSocket framing, masking and upgrade. One goroutine and one
// 16 KiB buffer per connection.
func StartTCPEcho(addr string) (*EchoServer, error) {
	return startEchoServer(addr, "tcp", serveTCPEcho)
}

func serveTCPEcho(conn net.Conn) {
	buf := make([]byte, tcpEchoBufferBytes)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			if _, werr := conn.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
