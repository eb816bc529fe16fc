package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/rawws"
)

// leanSub is a subscriber connection that reads with a small buffer, for tests with many
// of them.
type leanSub struct {
	nc net.Conn
	br *bufio.Reader
}

// dialLean opens a subscription to project pid and sends first, signed.
func dialLean(t testing.TB, addr, pid string, signer *auth.Signer, first string) *leanSub {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(time.Minute))
	br := bufio.NewReaderSize(nc, 4096)
	if _, err := nc.Write([]byte(rawws.UpgradeRequest(pathSubscribe))); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	msg := signer.AppendWSMessage(nil, "ws://"+testkit.SymHost+pathSubscribe, []string{pid}, []byte(first))
	if _, err := nc.Write(rawws.AppendFrame(nil, rawws.Frame{Op: ws.OpText, Fin: true, Payload: msg})); err != nil {
		t.Fatal(err)
	}
	return &leanSub{nc: nc, br: br}
}

// read reads the next message into buf (grown as needed).
func (c *leanSub) read(buf []byte) ([]byte, ws.OpCode, error) {
	h, err := ws.ReadHeader(c.br)
	if err != nil {
		return buf, 0, err
	}
	if int64(cap(buf)) < h.Length {
		buf = make([]byte, h.Length)
	}
	buf = buf[:h.Length]
	_, err = io.ReadFull(c.br, buf)
	return buf, h.OpCode, err
}

// TestSubscribeThousand: 1 000 subscribers of "*" on one project while a learner runs at
// full speed: no subscriber misses the final state, and none gets a data message out of
// version order.
func TestSubscribeThousand(t *testing.T) {
	const subscribers = 1000
	cfg := testkit.Config()
	cfg.Durability = "none" // the learner at full speed
	s := start(t, cfg, nil)
	rc := rest1(s)
	rc.Create("p")
	cols, types := []string{"a", "b"}, []string{"C", "C"}
	rc.Learn("p", testkit.FrameJSON(cols, types, [][]string{{"0", "0"}}, -1))
	signer, err := auth.NewSigner("c1", testenv.Secret1, nil)
	if err != nil {
		t.Fatal(err)
	}

	var final atomic.Uint64 // the last version, once the learner is done
	var reached, failed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan string, subscribers)
	for i := range subscribers {
		c := dialLean(t, s.Addr(), "p", signer, `{"type":"subscribe","names":["*"]}`)
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := map[string]uint64{}
			var buf []byte
			for {
				var err error
				var op ws.OpCode
				buf, op, err = c.read(buf)
				if err != nil {
					failed.Add(1)
					errs <- fmt.Sprintf("subscriber %d: %v", i, err)
					return
				}
				if op != ws.OpText {
					continue // the close frame at shutdown, or a ping
				}
				var m struct {
					Type    string `json:"type"`
					Name    string `json:"name"`
					Version uint64 `json:"version"`
				}
				if err := json.Unmarshal(buf, &m); err != nil {
					errs <- fmt.Sprintf("subscriber %d: %v", i, err)
					failed.Add(1)
					return
				}
				if m.Type != "data" {
					continue
				}
				if m.Version <= last[m.Name] && last[m.Name] != 0 {
					errs <- fmt.Sprintf("subscriber %d: %s at version %d after %d", i, m.Name, m.Version, last[m.Name])
					failed.Add(1)
					return
				}
				last[m.Name] = m.Version
				if f := final.Load(); f != 0 && last["a"] == f && last["b"] == f {
					reached.Add(1)
					return
				}
			}
		}()
	}
	testenv.Eventually(t, "every subscriber subscribed", func() bool { return s.Metric("symscore_subscriptions", "") == subscribers })

	// The learner: pipelined frames of 10 rows, 16 in flight, for half a second.
	lc := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
	frame := func(i int) string {
		rows := make([][]string, 10)
		for r := range rows {
			rows[r] = []string{fmt.Sprint(i*10 + r), fmt.Sprint(r)}
		}
		return string(testkit.FrameJSON(cols, types, rows, -1))
	}
	lc.Signed(frame(0), "p")
	sent, acked := 1, 0
	for deadline := time.Now().Add(500 * time.Millisecond); time.Now().Before(deadline); {
		for sent-acked < 16 {
			lc.Bare(frame(sent))
			sent++
		}
		lc.Expect("OK")
		acked++
	}
	for ; acked < sent; acked++ {
		lc.Expect("OK")
	}
	p := rc.Project("p")
	if p.Rows() != int64(1+sent*10) {
		t.Fatalf("%d rows after %d frames", p.Rows(), sent)
	}
	// The last change, one more row, is the final state: set before it is made, so that
	// a subscriber that sees it knows it.
	final.Store(p.Version() + 1)
	rc.Learn("p", testkit.FrameJSON(cols, types, [][]string{{"1", "1"}}, -1))
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(testenv.EventuallyTimeout):
		t.Fatalf("%d of %d subscribers reached the final state (%d failed)", reached.Load(), subscribers, failed.Load())
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if reached.Load() != subscribers {
		t.Fatalf("%d of %d subscribers reached the final state", reached.Load(), subscribers)
	}
	t.Logf("%d frames learned; %v data messages sent, %v coalesced", sent, s.Metric("symscore_subscribe_messages_sent_total", ""),
		s.Metric("symscore_subscribe_values_coalesced_total", ""))
}
