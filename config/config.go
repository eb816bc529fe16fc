package config

import "time"

// Config is symscore's whole configuration. The zero value of a field means its default
// (see the Default* constants), except where the field's comment says otherwise.
type Config struct {
	// Listen is the address of the WebSocket and REST listener.
	Listen string `mapstructure:"listen"`
	// AdminListen is the address of the admin listener (/healthz, /readyz, /metrics).
	AdminListen string `mapstructure:"admin_listen"`
	// PublicURL is the base URL clients dial when symscore sits behind a proxy, e.g.
	// "wss://api.example.com". When set, it replaces scheme and Host in the service URL of
	// WebSocket signatures. Empty: rebuilt from the request.
	PublicURL string `mapstructure:"public_url"`
	// DataDir holds the write-ahead log, snapshots and the development customer file.
	DataDir string `mapstructure:"data_dir"`
	// Durability is when a learn or forget is acknowledged: "always" (after fsync, group
	// commit), "interval" (fsync at most every DurabilityInterval) or "none".
	Durability string `mapstructure:"durability"`
	// DurabilityInterval is the fsync period in "interval" mode.
	DurabilityInterval time.Duration `mapstructure:"durability_interval"`
	// Customers are the customers and their active secrets. Several secrets for one customer
	// allow key rotation: any of them verifies. Empty: a development customer is created.
	Customers []Customer `mapstructure:"customers"`
	// Auth controls signature verification.
	Auth Auth `mapstructure:"auth"`
	// Limits bound everything a client controls.
	Limits Limits `mapstructure:"limits"`
	// Log controls logging.
	Log Log `mapstructure:"log"`
	// Testing holds switches meant only for tests.
	Testing Testing `mapstructure:"testing"`
}

// Customer is one customer id with its active secrets (Base64 of at least 16 bytes each).
type Customer struct {
	ID      string   `mapstructure:"id"`
	Secrets []string `mapstructure:"secrets"`
}

// Auth configures verification of signed messages.
type Auth struct {
	// ClockSkewPast is how old a sym-date may be.
	ClockSkewPast time.Duration `mapstructure:"clock_skew_past"`
	// ClockSkewFuture is how far in the future a sym-date may be.
	ClockSkewFuture time.Duration `mapstructure:"clock_skew_future"`
	// AllowSHA1 accepts HMAC-SHA1 signatures from legacy clients.
	AllowSHA1 bool `mapstructure:"allow_sha1"`
	// SignedFramesOnly refuses bare session frames: every WebSocket message must be signed.
	SignedFramesOnly bool `mapstructure:"signed_frames_only"`
	// LegacyFraming accepts the 5.x "<header>-289907289<payload>" framing.
	LegacyFraming bool `mapstructure:"legacy_framing"`
	// ReplayCapacity is how many signatures of accepted learn/forget messages are remembered.
	ReplayCapacity int `mapstructure:"replay_capacity"`
}

// Limits bound what clients control. Sizes are bytes (YAML accepts "16MiB").
type Limits struct {
	MaxFrameBytes      int64         `mapstructure:"max_frame_bytes"`
	MaxMessageBytes    int64         `mapstructure:"max_message_bytes"`
	MaxRows            int           `mapstructure:"max_rows"`
	MaxColumns         int           `mapstructure:"max_columns"`
	MaxConnections     int           `mapstructure:"max_connections"`
	MaxInflight        int           `mapstructure:"max_inflight"`
	HandshakeTimeout   time.Duration `mapstructure:"handshake_timeout"`
	IdleTimeout        time.Duration `mapstructure:"idle_timeout"`
	WriteTimeout       time.Duration `mapstructure:"write_timeout"`
	OutboundQueueBytes int64         `mapstructure:"outbound_queue_bytes"`
}

// Log configures log/slog output.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `mapstructure:"level"`
	// Format is json or text.
	Format string `mapstructure:"format"`
}

// Testing holds test-only switches, all off by default.
type Testing struct {
	// EchoEndpoint serves /symetry/ws/echo (unsigned; echoes every message) through the same
	// connection loop as the real endpoints, for conformance suites.
	EchoEndpoint bool `mapstructure:"echo_endpoint"`
}

// Defaults.
const (
	DefaultListen             = "127.0.0.1:8080"
	DefaultAdminListen        = "127.0.0.1:9090"
	DefaultDataDir            = "./var"
	DefaultDurability         = "always"
	DefaultDurabilityInterval = 10 * time.Millisecond
	DefaultClockSkewPast      = 5 * time.Minute
	DefaultClockSkewFuture    = 1 * time.Minute
	DefaultReplayCapacity     = 1_000_000
	DefaultMaxFrameBytes      = 16 << 20
	DefaultMaxMessageBytes    = 64 << 20
	DefaultMaxRows            = 1_000_000
	DefaultMaxColumns         = 10_000
	DefaultMaxConnections     = 100_000
	DefaultMaxInflight        = 4096
	DefaultHandshakeTimeout   = 5 * time.Second
	DefaultIdleTimeout        = 5 * time.Minute
	DefaultWriteTimeout       = 10 * time.Second
	DefaultOutboundQueueBytes = 4 << 20
	DefaultLogLevel           = "info"
	DefaultLogFormat          = "json"
)
