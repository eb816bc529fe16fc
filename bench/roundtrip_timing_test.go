package bench

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// BenchmarkRoundTrip: one connection, one message in flight, through each floor. ns/op is
// the round trip (client write, server read and write, client read), both ends in this
// process.
func BenchmarkRoundTrip(b *testing.B) {
	floors := []struct {
		name  string
		start func() (*EchoServer, error)
	}{
		{"tcp", func() (*EchoServer, error) { return StartTCPEcho("127.0.0.1:0") }},
		{"ws", func() (*EchoServer, error) { return StartWSEcho("127.0.0.1:0") }},
		{"ws-pooled", func() (*EchoServer, error) {
			return StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{PoolIdleBuffers: true})
		}},
	}
	for _, f := range floors {
		for _, size := range []int{64, 1024} {
			b.Run(fmt.Sprintf("%s/%dB", f.name, size), func(b *testing.B) {
				srv, err := f.start()
				if err != nil {
					b.Fatal(err)
				}
				defer srv.Close()
				c, err := dialClient(context.Background(), srv.URL(), "", 1<<20)
				if err != nil {
					b.Fatal(err)
				}
				defer c.close()
				c.startReading()
				msg := bytes.Repeat([]byte{'m'}, size)
				frame := c.compile(msg)
				b.ReportAllocs()
				b.SetBytes(int64(size))
				for b.Loop() {
					if err := c.write(frame); err != nil {
						b.Fatal(err)
					}
					reply, err := c.readReply()
					if err != nil {
						b.Fatal(err)
					}
					if !bytes.Equal(reply, msg) {
						b.Fatalf("echo differs: %d bytes", len(reply))
					}
				}
			})
		}
	}
}
