// Package bench measures symscore against the physical floor: a load generator with
// microsecond percentiles, two floor servers, and a measurement of idle connections.
//
// # Floors
//
// StartWSEcho serves the leanest correct WebSocket echo (zero-copy gobwas/ws upgrade, a
// goroutine per connection, one buffered read and one write per frame). StartTCPEcho
// echoes raw TCP bytes. A message costs symscore at least what it costs the WebSocket
// floor, which costs at least what the TCP floor costs.
//
// # Load
//
// Run opens LoadConfig.Connections connections, sends each its first message (signed, for
// symscore) and checks the reply, then keeps LoadConfig.Pipeline requests in flight per
// connection for LoadConfig.Duration after LoadConfig.Warmup, or for LoadConfig.Count
// round trips. Every run is bounded (MaxRunTime). Each message is compiled once into the
// bytes written for it (a masked client frame), written in one write, and its reply read
// through a pooled buffered reader; nothing is allocated per message. Latency is measured
// from just before the write to just after the whole reply has been read, recorded in an
// HdrHistogram (nanoseconds, 3 significant digits) and merged over the connections. A reply
// that fails its check makes the run fail: it is counted, never measured.
//
// RunWithFloors runs the target and both floors with the same message bytes and shape,
// several rounds in rotating order, and compares medians. MeasureIdle opens many idle
// connections and reads the server's memory before and after.
//
// Message construction: PredictPayload and LearnPayload build DataFrames; the first
// message of a symscore connection is signed by a SignFunc (see NewCommand) and later ones
// are bare session frames.
//
// # Lifetimes and safety
//
// Run, RunWithFloors and MeasureIdle may be called from any goroutine; each run owns its
// connections and closes them before returning. LoadConfig.Check runs on many goroutines
// at once and must not keep the reply it is given. An EchoServer is safe for concurrent use;
// Close stops it and waits for its goroutines.
//
// Loopback only in tests; figures on a shared 2-core machine vary by ±20% from run to run,
// which is why comparisons take medians over rounds. For stable figures pin the server and
// the load generator to separate cores with taskset.
package bench
