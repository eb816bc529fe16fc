// Package bench measures symscore against the physical floor: a WebSocket load generator
// with microsecond percentiles, two floor servers, a comparison that runs them side by side,
// a measurement of memory per idle connection, and the child process that serves the floors.
// The "symscore bench" command (cmd/symscore) drives it.
//
// # Floors
//
// StartWSEcho serves the leanest correct WebSocket echo: zero-copy gobwas/ws upgrade, a
// goroutine per connection, a 4 KiB buffered reader, and per frame one header read, one
// payload read, an unmask and one write of header and payload. StartWSEchoOptions can make
// it give idle connections' buffers back to a pool, as symscore does. StartTCPEcho echoes
// raw TCP bytes; the load generator frames each message with a 4-byte length there. A
// message costs symscore at least what it costs the WebSocket floor, which costs at least
// what the TCP floor costs.
//
// # Load
//
// Run opens LoadConfig.Connections connections, sends each its first message (signed, for
// symscore) and checks the reply, then keeps LoadConfig.Pipeline requests in flight per
// connection for LoadConfig.Duration after LoadConfig.Warmup, or for LoadConfig.Count
// round trips. A run without Duration or Count is refused, and none lasts longer than
// MaxRunTime (plus DrainTimeout for the replies in flight). Each message is compiled once
// into the bytes written for it (a masked client frame) and written in one write; replies
// are read through a pooled buffered reader with ws.ReadHeaderBuffer. Nothing is allocated
// per message. Latency is measured from just before the write to just after the whole reply
// has been read, recorded in HdrHistograms (nanoseconds, 3 significant digits) and merged
// over the connections. A reply that fails LoadConfig.Check is counted as an error and not
// measured, and the run is reported as failed (ErrRunFailed); a broken connection stops
// the run.
//
// RunWithFloors runs the target and both floors with the same message bytes, connections,
// pipeline and bounds, several rounds in rotating order, and compares medians. MeasureIdle
// opens many idle connections and reads the server's memory (InProcessMemory, ProcessRSS)
// before and after. Setup prepares a project and a model through package client.
// StartFloorsProcess runs the floors in a child process ("symscore bench serve-floors").
//
// # Messages
//
// PredictPayload (one row, four continuous iris columns) and LearnPayload (n rows, 15
// columns) build the DataFrames. On symscore the first message of a connection is framed
// and signed by a Signer, each connection's anew (a repeated signed learn is a replay);
// later messages are bare session frames.
//
// # Lifetimes and safety
//
// Run, RunWithFloors, MeasureIdle and Setup may be called from any goroutine; each owns the
// connections it opens and closes them before returning. LoadConfig.Check runs on many
// goroutines at once and must not keep the reply it is given. An EchoServer is safe for
// concurrent use; Close stops it and waits for its goroutines.
//
// # Measuring
//
// Figures from a shared 2-core machine vary by ±20% from run to run; comparisons therefore
// take medians over rounds. A load generator in the same process as the server shares its
// scheduler: "symscore bench --floors" serves the floors from a child process, like the
// symscore server. Pinning server and generator to separate cores with taskset steadies
// figures on an otherwise idle machine, and makes them worse on a busy one (each side waits
// for its single core).
package bench
