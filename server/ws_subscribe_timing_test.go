package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/frames"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// subscribeBench is a server with project p holding one learn frame, and n subscribers
// of "*" on it that read and discard what they get.
func subscribeBench(b *testing.B, durability string, n int) (*testserver.Server, string) {
	b.Helper()
	cfg := testkit.Config()
	cfg.Durability = durability
	cfg.Log.Level = "warn"
	s := testserver.Start(b, cfg)
	rc := rest1(s)
	rc.Create("p")
	frame := frames.Learn1000x15()
	rc.Learn("p", []byte(frame))
	signer, err := auth.NewSigner("c1", testenv.Secret1, nil)
	if err != nil {
		b.Fatal(err)
	}
	for range n {
		c := dialLean(b, s.Addr(), "p", signer, `{"type":"subscribe","names":["*"]}`)
		go io.Copy(io.Discard, c.br) // ends with the server
	}
	testenv.Eventually(b, "the subscriptions", func() bool { return s.Metric("symscore_subscriptions", "") == float64(n) })
	return s, frame
}

// BenchmarkSubscribeLearn is learn throughput on one project over one WebSocket — 1000-row
// × 15-column frames, 8 in flight, durability none (no fsync hides the CPU) — with 0 and
// 1 000 subscribers of "*" (15 attributes each), every subscriber a socket read by the
// same process. One op is one frame; rows/s, the messages sent to subscribers per second
// and the CPU the process used per second of the run (cpu-s/s, of 2 on this machine: the
// learner, the server and the subscribers' reads together) are reported.
func BenchmarkSubscribeLearn(b *testing.B) {
	for _, n := range []int{0, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			s, frame := subscribeBench(b, "none", n)
			lc := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
			lc.Signed(frame, "p")
			lc.Expect("OK")
			sent0 := s.Metric("symscore_subscribe_messages_sent_total", "")
			cpu0 := processCPU(b)
			const window = 8
			inflight := 0
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				lc.Bare(frame)
				if inflight++; inflight == window {
					lc.Expect("OK")
					inflight--
				}
			}
			for ; inflight > 0; inflight-- {
				lc.Expect("OK")
			}
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)*1000/secs, "rows/s")
			b.ReportMetric((s.Metric("symscore_subscribe_messages_sent_total", "")-sent0)/secs, "sent/s")
			b.ReportMetric((processCPU(b)-cpu0).Seconds()/secs, "cpu-s/s")
		})
	}
}

// BenchmarkSubscribeLatency is the time from a learn's reply reaching the learner to the
// data message of that learn reaching a subscriber of "x", with the default interval
// (50ms), alone and with 1 000 subscribers of "*" besides. Each op learns one row after a
// pause drawn uniformly in [0, interval), so that changes fall at every point of the
// interval. p50 and p99 are reported in ms.
func BenchmarkSubscribeLatency(b *testing.B) {
	const interval = 50 * time.Millisecond
	for _, n := range []int{0, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			s, frame := subscribeBench(b, "always", n)
			signer, err := auth.NewSigner("c1", testenv.Secret1, nil)
			if err != nil {
				b.Fatal(err)
			}
			w := dialLean(b, s.Addr(), "p", signer, `{"type":"subscribe","names":["sepal_length"]}`)
			var buf []byte
			count := func() float64 { // the next data message's count
				for {
					var op ws.OpCode
					buf, op, err = w.read(buf)
					if err != nil {
						b.Fatal(err)
					}
					var m struct {
						Type   string             `json:"type"`
						Values map[string]float64 `json:"values"`
					}
					if op == ws.OpText && json.Unmarshal(buf, &m) == nil && m.Type == "data" {
						return m.Values["count"]
					}
				}
			}
			rows := count() // the first value
			lc := s.Sym("/symetry/ws/learn", "c1", testenv.Secret1)
			lc.Signed(frame, "p")
			lc.Expect("OK")
			rows += 1000
			for count() < rows {
			}
			one := `{"attributeNames":["sepal_length"],"attributeTypes":["C"],"data":[["5.1"]]}`
			var lat []time.Duration
			for b.Loop() {
				time.Sleep(time.Duration(rand.Int64N(int64(interval))))
				lc.Bare(one)
				lc.Expect("OK")
				acked := time.Now()
				rows++
				for count() < rows {
				}
				lat = append(lat, time.Since(acked))
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(pct(1), "max-ms")
		})
	}
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
