package server_test

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/wsconn"
)

// TestWSEchoManyMessages sends 10 000 messages of 0 B to 16 MiB (the echo configuration's
// max_message_bytes), each split into 1 to 8 fragments at random byte boundaries (through
// multi-byte UTF-8 characters of text messages too), with pings between some fragments,
// all pipelined, and checks that every message comes back intact, in order, with its
// opcode, and every ping gets its pong.
func TestWSEchoManyMessages(t *testing.T) {
	const maxMsg = 16 << 20
	cfg := testkit.Config()
	cfg.Limits.MaxMessageBytes = maxMsg
	cfg.Limits.MaxFrameBytes = maxMsg
	// The client reads 16 MiB echoes under the race detector on a busy machine: the server's
	// bound on one write (10 s by default) is not what this test is about.
	cfg.Limits.WriteTimeout = 5 * time.Minute
	s := start(t, cfg, nil)
	c := s.DialWS(wsconn.EchoPath)
	c.NC.SetDeadline(time.Now().Add(5 * time.Minute)) // hundreds of MiB under the race detector
	rng := rand.New(rand.NewPCG(10000, 16))

	type message struct {
		op      ws.OpCode
		payload []byte
		pings   int
	}
	const n = 10000
	msgs := make([]message, n)
	big := map[int]int{17: maxMsg, 5000: maxMsg - 1, 9999: 0}
	for i := range 12 {
		big[100+i*800] = 1<<20 + rng.IntN(15<<20)
	}
	// Payloads are slices of two pools made once: random bytes, and random UTF-8 text
	// (cut at character boundaries).
	binPool := make([]byte, maxMsg)
	for j := 0; j < maxMsg; j += 8 {
		v := rng.Uint64()
		for k := range 8 {
			binPool[j+k] = byte(v >> (8 * k))
		}
	}
	textPool := utf8Payload(rng, maxMsg)
	for i := range msgs {
		size, ok := big[i]
		if !ok {
			size = int(pow2(rng.Float64() * 16)) // about log-uniform, 1 B … 64 KiB
			if rng.IntN(50) == 0 {
				size = 0
			}
		}
		start := rng.IntN(maxMsg - size + 1)
		if rng.IntN(2) == 0 {
			msgs[i] = message{op: ws.OpBinary, payload: binPool[start : start+size]}
			continue
		}
		for start > 0 && !utf8.RuneStart(textPool[start]) {
			start--
		}
		end := start + size
		for end < len(textPool) && !utf8.RuneStart(textPool[end]) {
			end--
		}
		msgs[i] = message{op: ws.OpText, payload: textPool[start:end]}
	}

	errc := make(chan error, 1)
	go func() {
		var buf []byte
		for i := range msgs {
			m := &msgs[i]
			frags := 1 + rng.IntN(8)
			cuts := make([]int, 0, frags+1)
			cuts = append(cuts, 0)
			for range frags - 1 {
				cuts = append(cuts, rng.IntN(len(m.payload)+1))
			}
			cuts = append(cuts, len(m.payload))
			sortInts(cuts)
			for f := 0; f+1 < len(cuts); f++ {
				op := ws.OpContinuation
				if f == 0 {
					op = m.op
				}
				buf = rawws.AppendFrame(buf[:0], rawws.Frame{Op: op, Fin: f+2 == len(cuts), Payload: m.payload[cuts[f]:cuts[f+1]]})
				if f+2 < len(cuts) && rng.IntN(4) == 0 {
					buf = rawws.AppendFrame(buf, rawws.Frame{Op: ws.OpPing, Fin: true, Payload: []byte{byte(i), byte(i >> 8)}})
					m.pings++
				}
				if _, err := c.NC.Write(buf); err != nil {
					errc <- err
					return
				}
			}
		}
		errc <- nil
	}()
	for i := range msgs {
		m := &msgs[i]
		for {
			h, p, err := c.ReadFrame()
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if h.OpCode == ws.OpPong {
				if m.pings == 0 || !bytes.Equal(p, []byte{byte(i), byte(i >> 8)}) {
					t.Fatalf("message %d: unexpected pong %x", i, p)
				}
				m.pings--
				continue
			}
			if !h.Fin || h.OpCode != m.op || !bytes.Equal(p, m.payload) {
				t.Fatalf("message %d (%d bytes, op %v): got op %v fin %v %d bytes", i, len(m.payload), m.op, h.OpCode, h.Fin, len(p))
			}
			break
		}
		if m.pings != 0 {
			t.Fatalf("message %d: %d pings unanswered", i, m.pings)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func pow2(x float64) float64 {
	r := 1.0
	for x >= 1 {
		r *= 2
		x--
	}
	return r * (1 + x*0.6931471805599453) // 2^frac, first order: sizes need not be exact
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// utf8Payload is size bytes of valid UTF-8 mixing 1- to 4-byte characters.
func utf8Payload(rng *rand.Rand, size int) []byte {
	chars := [][]byte{[]byte("a"), []byte("Z"), []byte("é"), []byte("κ"), []byte("€"), []byte("😀"), []byte("\x00"), []byte("abcdefgh")}
	b := make([]byte, 0, size)
	for len(b) < size {
		v := rng.Uint64()
		for k := 0; k < 16 && len(b) < size; k++ {
			ch := chars[(v>>(4*k))&7]
			if len(b)+len(ch) > size {
				ch = chars[0]
			}
			b = append(b, ch...)
		}
	}
	return b
}
