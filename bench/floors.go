package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// DefaultRounds is how many times RunWithFloors measures each of the three.
const DefaultRounds = 3

// FloorOptions configure RunWithFloors.
type FloorOptions struct {
	// Rounds is how many times each of the three runs (default DefaultRounds). Figures are
	// medians over the rounds, so one noisy run does not decide the comparison.
	Rounds int
	// WSEchoURL is a running WebSocket echo floor (e.g. started by "bench serve-floors" in
	// another process, pinned to the server's cores). Empty: one is started in this process.
	WSEchoURL string
	// TCPEchoURL is a running TCP echo floor, tcp://host:port. Empty: started in this process.
	TCPEchoURL string
	// PoolIdleBuffers configures a WebSocket floor started in this process (see
	// WSEchoOptions): the floor of a server that pools its idle connections' buffers.
	PoolIdleBuffers bool
}

// Ratios are target / floor: above 1 the target is slower (latency columns) or, for
// MsgsPerSec, faster.
type Ratios struct {
	P50        float64 `json:"p50"`
	P90        float64 `json:"p90"`
	P99        float64 `json:"p99"`
	P999       float64 `json:"p999"`
	Max        float64 `json:"max"`
	Mean       float64 `json:"mean"`
	MsgsPerSec float64 `json:"msgs_per_sec"`
}

// Round is one measurement of each of the three, in the order they ran.
type Round struct {
	Order    []string `json:"order"`
	Target   *Report  `json:"target"`
	WSFloor  *Report  `json:"ws_floor"`
	TCPFloor *Report  `json:"tcp_floor"`
}

// Comparison is the outcome of RunWithFloors. Target, WSFloor and TCPFloor hold the median
// of each figure over the rounds (taken figure by figure; Count is the median too, Errors
// the sum).
type Comparison struct {
	Rounds      []Round `json:"rounds"`
	Target      *Report `json:"target"`
	WSFloor     *Report `json:"ws_floor"`
	TCPFloor    *Report `json:"tcp_floor"`
	TargetVsWS  Ratios  `json:"target_vs_ws_floor"`
	TargetVsTCP Ratios  `json:"target_vs_tcp_floor"`
	InProcess   bool    `json:"floors_in_process"`
}

// RunWithFloors measures cfg's target and, with the same message bytes, connections,
// pipeline, warm-up and bounds, the bare WebSocket echo floor and the raw TCP echo floor,
// round after round. The order of the three rotates from one round to the next so that
// drift in the machine's load does not favour one of them. The floors answer the message
// with the message itself; their replies are checked for equality. It stops at the first
// failed run, returning what was measured so far with the error.
func RunWithFloors(ctx context.Context, cfg LoadConfig, opts FloorOptions) (*Comparison, error) {
	if _, err := cfg.normalized(); err != nil {
		return nil, err
	}
	rounds := opts.Rounds
	if rounds <= 0 {
		rounds = DefaultRounds
	}
	cmp := &Comparison{InProcess: opts.WSEchoURL == "" || opts.TCPEchoURL == ""}
	wsURL, tcpURL := opts.WSEchoURL, opts.TCPEchoURL
	if wsURL == "" {
		srv, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{PoolIdleBuffers: opts.PoolIdleBuffers})
		if err != nil {
			return nil, err
		}
		defer srv.Close()
		wsURL = srv.URL()
	}
	if tcpURL == "" {
		srv, err := StartTCPEcho("127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer srv.Close()
		tcpURL = srv.URL()
	}

	target := cfg
	if target.Name == "" {
		target.Name = "symscore " + cfg.Mode
	}
	wsCfg := floorConfig(cfg, ModeEcho, wsURL, "ws echo floor")
	tcpCfg := floorConfig(cfg, ModeTCP, tcpURL, "tcp echo floor")
	kinds := []string{"target", "ws", "tcp"}
	for r := range rounds {
		round := Round{}
		for k := range kinds {
			kind := kinds[(k+r)%len(kinds)]
			round.Order = append(round.Order, kind)
			var rep *Report
			var err error
			switch kind {
			case "target":
				rep, err = Run(ctx, target)
				round.Target = rep
			case "ws":
				rep, err = Run(ctx, wsCfg)
				round.WSFloor = rep
			case "tcp":
				rep, err = Run(ctx, tcpCfg)
				round.TCPFloor = rep
			}
			if err != nil {
				if rep != nil {
					cmp.Rounds = append(cmp.Rounds, round)
				}
				return cmp, fmt.Errorf("round %d: %w", r+1, err)
			}
		}
		cmp.Rounds = append(cmp.Rounds, round)
	}
	cmp.Target = medianReport(cmp.Rounds, func(r Round) *Report { return r.Target })
	cmp.WSFloor = medianReport(cmp.Rounds, func(r Round) *Report { return r.WSFloor })
	cmp.TCPFloor = medianReport(cmp.Rounds, func(r Round) *Report { return r.TCPFloor })
	cmp.TargetVsWS = ratios(cmp.Target, cmp.WSFloor)
	cmp.TargetVsTCP = ratios(cmp.Target, cmp.TCPFloor)
	return cmp, nil
}

// floorConfig is cfg aimed at a floor: same bytes and shape, echo checks.
func floorConfig(cfg LoadConfig, mode, url, name string) LoadConfig {
	cfg.Mode, cfg.URL, cfg.Name = mode, url, name
	cfg.Check, cfg.CheckFirst = nil, nil
	cfg.SourceAddrs = nil
	return cfg
}

// medianReport takes, figure by figure, the median over the rounds.
func medianReport(rounds []Round, pick func(Round) *Report) *Report {
	reps := make([]*Report, 0, len(rounds))
	for _, r := range rounds {
		reps = append(reps, pick(r))
	}
	m := *reps[0]
	m.FirstError = ""
	dur := func(f func(*Report) time.Duration) time.Duration {
		v := make([]time.Duration, len(reps))
		for i, r := range reps {
			v[i] = f(r)
		}
		return median(v)
	}
	num := func(f func(*Report) float64) float64 {
		v := make([]float64, len(reps))
		for i, r := range reps {
			v[i] = f(r)
		}
		return median(v)
	}
	m.Min = dur(func(r *Report) time.Duration { return r.Min })
	m.P50 = dur(func(r *Report) time.Duration { return r.P50 })
	m.P90 = dur(func(r *Report) time.Duration { return r.P90 })
	m.P99 = dur(func(r *Report) time.Duration { return r.P99 })
	m.P999 = dur(func(r *Report) time.Duration { return r.P999 })
	m.Max = dur(func(r *Report) time.Duration { return r.Max })
	m.Mean = dur(func(r *Report) time.Duration { return r.Mean })
	m.Elapsed = dur(func(r *Report) time.Duration { return r.Elapsed })
	m.MsgsPerSec = num(func(r *Report) float64 { return r.MsgsPerSec })
	m.RowsPerSec = num(func(r *Report) float64 { return r.RowsPerSec })
	m.Count = int64(num(func(r *Report) float64 { return float64(r.Count) }))
	m.Errors = 0
	for _, r := range reps {
		m.Errors += r.Errors
		m.HitTimeCap = m.HitTimeCap || r.HitTimeCap
	}
	return &m
}

// median of v (the lower middle for an even count); v is reordered.
func median[T time.Duration | float64](v []T) T {
	slices.Sort(v)
	return v[(len(v)-1)/2]
}

func ratios(target, floor *Report) Ratios {
	div := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	d := func(a, b time.Duration) float64 { return div(float64(a), float64(b)) }
	return Ratios{
		P50:        d(target.P50, floor.P50),
		P90:        d(target.P90, floor.P90),
		P99:        d(target.P99, floor.P99),
		P999:       d(target.P999, floor.P999),
		Max:        d(target.Max, floor.Max),
		Mean:       d(target.Mean, floor.Mean),
		MsgsPerSec: div(target.MsgsPerSec, floor.MsgsPerSec),
	}
}

// WriteText writes the comparison for a human: the median rows, then the ratios.
func (c *Comparison) WriteText(w io.Writer) error {
	if c.Target == nil {
		return errors.New("bench: comparison incomplete")
	}
	t := newTable(w)
	t.header()
	t.row(c.TCPFloor.Name, c.TCPFloor)
	t.row(c.WSFloor.Name, c.WSFloor)
	t.row(c.Target.Name, c.Target)
	t.ratioRow(c.Target.Name+" / ws floor", c.TargetVsWS)
	t.ratioRow(c.Target.Name+" / tcp floor", c.TargetVsTCP)
	where := "in this process"
	if !c.InProcess {
		where = "in another process"
	}
	t.line(fmt.Sprintf("medians of %d rounds (order rotated each round); floors served %s; latency is write to reply read.", len(c.Rounds), where))
	return t.flush()
}

// WriteJSON writes the comparison, every round included, as one JSON object.
func (c *Comparison) WriteJSON(w io.Writer) error { return writeJSON(w, c) }
