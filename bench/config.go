package bench

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Modes of a load run.
const (
	ModePredict = "predict" // symscore /symetry/ws/predict; replies checked with CheckStatusOK
	ModeLearn   = "learn"   // symscore /symetry/ws/learn; replies checked with CheckStatusOK
	ModeEcho    = "echo"    // a WebSocket echo (the floor or /symetry/ws/echo); replies must equal the message
	ModeTCP     = "tcp"     // the raw TCP echo floor; replies must equal the message
)

// Bounds of a load run.
const (
	// MaxRunTime is the hard cap on warm-up plus measurement. A run bound by Count alone
	// stops there too (Report.HitTimeCap).
	MaxRunTime = 60 * time.Second
	// DrainTimeout is how long replies still in flight are awaited once sending stops.
	DrainTimeout = 5 * time.Second
	// MaxConnections and MaxPipeline bound what a run opens and keeps in flight.
	MaxConnections = 100_000
	MaxPipeline    = 65_536
)

// ErrUnbounded is returned for a run with neither Duration nor Count.
var ErrUnbounded = errors.New("bench: a run needs a Duration or a Count")

// LoadConfig describes one load run. Connections are opened first, each sends FirstMessage
// (if any) and checks its reply, then every connection sends Message repeatedly, keeping
// Pipeline requests in flight, until Duration has passed after Warmup or Count measured
// round trips have been started, whichever comes first.
type LoadConfig struct {
	// URL to load: ws://host:port/symetry/ws/predict, ws://host:port/ for the echo floor,
	// tcp://host:port for the TCP floor.
	URL string
	// Mode is ModePredict, ModeLearn, ModeEcho or ModeTCP. It picks the default checks.
	Mode string
	// Connections is the number of connections (default 1).
	Connections int
	// Pipeline is the number of requests in flight per connection (default 1: each request
	// is written when the previous reply has been read).
	Pipeline int
	// Duration of the measurement, after Warmup. 0: bound by Count (and MaxRunTime).
	Duration time.Duration
	// Count bounds the measured round trips over all connections. 0: bound by Duration.
	Count int
	// Warmup is sent before measuring; its round trips are not counted.
	Warmup time.Duration
	// FirstMessage is sent first on every connection (e.g. a signed message) and its reply
	// checked with CheckFirst; not measured. Nil: nothing is sent first.
	FirstMessage []byte
	// NewFirstMessage, when set, builds the first message of connection i instead of
	// FirstMessage: signed learn and forget messages must differ between connections, or
	// the server refuses the second one as a replay.
	NewFirstMessage func(i int) ([]byte, error)
	// Message is sent repeatedly. Required.
	Message []byte
	// Rows is the number of rows one Message carries, for rows/s. 0: not reported.
	Rows int
	// Check verifies each reply to Message; an error fails the run. It must be safe for
	// concurrent use, and must not keep reply (it is reused). Nil: bytes.Equal to Message in
	// the echo modes, CheckStatusOK otherwise.
	Check func(reply []byte) error
	// CheckFirst verifies the reply to the first message. Nil: equality with the first
	// message in the echo modes, CheckStatusOK otherwise.
	CheckFirst func(reply []byte) error
	// SourceAddrs, when set, are local IPs (e.g. 127.0.0.2) that connections are opened
	// from, in turn.
	SourceAddrs []string
	// MaxReplyBytes bounds one reply. 0: DefaultMaxReplyBytes.
	MaxReplyBytes int
	// Name labels the report (default: Mode).
	Name string
}

// Validate reports what is wrong with cfg (unbounded, over the caps, a bad URL or mode), as
// Run would refuse it.
func (cfg LoadConfig) Validate() error {
	_, err := cfg.normalized()
	return err
}

// normalized checks cfg and fills in its defaults.
func (cfg LoadConfig) normalized() (LoadConfig, error) {
	if cfg.Duration <= 0 && cfg.Count <= 0 {
		return cfg, ErrUnbounded
	}
	if cfg.Duration < 0 || cfg.Count < 0 || cfg.Warmup < 0 {
		return cfg, errors.New("bench: Duration, Count and Warmup must not be negative")
	}
	if cfg.Warmup+cfg.Duration > MaxRunTime {
		return cfg, fmt.Errorf("bench: warm-up plus duration %v exceeds the cap of %v", cfg.Warmup+cfg.Duration, MaxRunTime)
	}
	if cfg.Warmup >= MaxRunTime {
		return cfg, fmt.Errorf("bench: warm-up %v exceeds the cap of %v", cfg.Warmup, MaxRunTime)
	}
	if cfg.Connections == 0 {
		cfg.Connections = 1
	}
	if cfg.Pipeline == 0 {
		cfg.Pipeline = 1
	}
	if cfg.Connections < 1 || cfg.Connections > MaxConnections {
		return cfg, fmt.Errorf("bench: connections must be 1..%d, got %d", MaxConnections, cfg.Connections)
	}
	if cfg.Pipeline < 1 || cfg.Pipeline > MaxPipeline {
		return cfg, fmt.Errorf("bench: pipeline must be 1..%d, got %d", MaxPipeline, cfg.Pipeline)
	}
	if len(cfg.Message) == 0 {
		return cfg, errors.New("bench: Message is required")
	}
	if cfg.MaxReplyBytes <= 0 {
		cfg.MaxReplyBytes = DefaultMaxReplyBytes
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return cfg, fmt.Errorf("bench: bad url %q: %w", cfg.URL, err)
	}
	wantTCP := cfg.Mode == ModeTCP
	switch {
	case cfg.Mode != ModePredict && cfg.Mode != ModeLearn && cfg.Mode != ModeEcho && cfg.Mode != ModeTCP:
		return cfg, fmt.Errorf("bench: mode must be predict, learn, echo or tcp, got %q", cfg.Mode)
	case wantTCP && u.Scheme != "tcp":
		return cfg, fmt.Errorf("bench: mode tcp needs a tcp://host:port url, got %q", cfg.URL)
	case !wantTCP && u.Scheme != "ws" && u.Scheme != "wss":
		return cfg, fmt.Errorf("bench: mode %s needs a ws:// url, got %q", cfg.Mode, cfg.URL)
	}
	echo := cfg.Mode == ModeEcho || cfg.Mode == ModeTCP
	if cfg.Check == nil {
		if echo {
			cfg.Check = CheckEqual(cfg.Message)
		} else {
			cfg.Check = CheckStatusOK
		}
	}
	if cfg.CheckFirst == nil {
		switch {
		case !echo:
			cfg.CheckFirst = CheckStatusOK
		case cfg.NewFirstMessage == nil:
			cfg.CheckFirst = CheckEqual(cfg.FirstMessage)
		}
		// Echo of per-connection first messages: checked against each one in Run.
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Mode
	}
	return cfg, nil
}
