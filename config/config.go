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
	// TLS serves the main listener over TLS (https://, wss://). The admin listener stays
	// plain.
	TLS TLS `mapstructure:"tls"`
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
	// Subscribe configures live subscriptions (/symetry/ws/subscribe).
	Subscribe Subscribe `mapstructure:"subscribe"`
	// Uploads configures bulk uploads (docs/uploads.md).
	Uploads Uploads `mapstructure:"uploads"`
	// Log controls logging.
	Log Log `mapstructure:"log"`
	// Cluster makes the server a node of a cluster that shares every project through NATS
	// JetStream (docs/cluster.md). Off (no nats_url, no embedded NATS): a single node with
	// its local write-ahead log.
	Cluster Cluster `mapstructure:"cluster"`
	// Testing holds switches meant only for tests.
	Testing Testing `mapstructure:"testing"`

	// Repair lets recovery go on where it would refuse to start: it cuts the write-ahead log
	// at corruption, sets aside unreadable snapshots and skips records that do not fit the
	// recovered state, destroying that data. It is not a file or environment key: only
	// `symscore serve --repair` sets it, for one start, after an operator has looked at the
	// damage.
	Repair bool `mapstructure:"-"`
}

// TLS names the certificate of the main listener.
type TLS struct {
	// CertFile is a PEM file of the certificate, followed by its intermediates; KeyFile a
	// PEM file of its private key. Both or neither: empty serves plain TCP (http://, ws://).
	// serve reads them at start, and again on SIGHUP without dropping a connection (a pair
	// that does not load then is logged and the one in use kept).
	CertFile string `mapstructure:"cert_file"`
	KeyFile  string `mapstructure:"key_file"`
}

// Enabled reports whether the main listener serves TLS.
func (t TLS) Enabled() bool { return t.CertFile != "" }

// Customer is one customer id with its active secrets.
type Customer struct {
	// ID is the customer id (cid): non-empty, unique, made of letters, digits and "-._~"
	// so that it is safe as a URL path segment.
	ID string `mapstructure:"id"`
	// Secrets are the customer's active secrets, each the Base64 text (standard alphabet,
	// padded) of at least MinSecretBytes random bytes, as issued by `symscore keygen`.
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
	// LegacyFraming accepts the 5.x "<header>-289907289<payload>" framing. Unlike the
	// other switches it defaults to on (DefaultLegacyFraming), as the protocol accepts that
	// framing unless switched off: Load sets it when no source says otherwise. A Config
	// built in code starts with it off; Default() has it on.
	LegacyFraming bool `mapstructure:"legacy_framing"`
	// ReplayCapacity is how many signatures of accepted signed messages are remembered for
	// replay refusal, split evenly among the customers: each has its own share, which only
	// its own messages can fill. Signed reads (ReplayPredict) have shares of the same size
	// of their own, so that they never crowd out changes.
	ReplayCapacity int `mapstructure:"replay_capacity"`
	// ReplayPredict refuses replays of signed reads too — predict (a captured message would
	// open a session on the model for anyone), explore, info, list, jobs, export — not only
	// of changes. Honest clients never repeat a signature: their dates carry fractions of
	// a second. Like LegacyFraming it defaults to on (DefaultReplayPredict): Load sets it
	// when no source says otherwise; a Config built in code starts with it off.
	ReplayPredict bool `mapstructure:"replay_predict"`
}

// Limits bound what clients control. Sizes are bytes (YAML accepts "16MiB").
// Every limit is positive once defaults are applied: 0 means the default, never "unlimited".
type Limits struct {
	// MaxFrameBytes is the largest WebSocket frame read; a longer one is refused with close
	// status 1009 before its payload is read.
	MaxFrameBytes int64 `mapstructure:"max_frame_bytes"`
	// MaxMessageBytes is the largest message (WebSocket message after reassembly of its
	// fragments, or REST body).
	MaxMessageBytes int64 `mapstructure:"max_message_bytes"`
	// MaxRows is the most rows one DataFrame may carry.
	MaxRows int `mapstructure:"max_rows"`
	// MaxColumns is the most columns one DataFrame may carry.
	MaxColumns int `mapstructure:"max_columns"`
	// MaxConnections is the most open client connections; more are refused. At start it is
	// lowered to what the process's descriptors allow (FitDescriptors).
	MaxConnections int `mapstructure:"max_connections"`
	// MaxUnauthenticatedConnections is the most connections that have not yet sent a
	// verified message; at most MaxConnections, and lowered at start to half of the
	// effective MaxConnections, so that strangers alone never hold every place. Its
	// default is DefaultMaxUnauthenticatedConnections or half of MaxConnections, whichever
	// is smaller.
	MaxUnauthenticatedConnections int `mapstructure:"max_unauthenticated_connections"`
	// MaxUnauthenticatedConnectionsPerAddress is the most unauthenticated connections from
	// one source address (an IPv6 address by its /64), so that one stranger cannot hold
	// every place of MaxUnauthenticatedConnections; at most that, and lowered to it at
	// start. Its default is a sixteenth of MaxUnauthenticatedConnections (at least 1).
	// Behind a reverse proxy every client has the proxy's address: raise it to
	// MaxUnauthenticatedConnections there.
	MaxUnauthenticatedConnectionsPerAddress int `mapstructure:"max_unauthenticated_connections_per_address"`
	// MaxInflight is the most requests being processed at once, over all connections.
	MaxInflight int `mapstructure:"max_inflight"`
	// RPCInflight is the most calls of one /symetry/ws/rpc connection running or waiting
	// for their project at once; the connection is not read further until one finishes.
	RPCInflight int `mapstructure:"rpc_inflight"`
	// HandshakeTimeout bounds the WebSocket upgrade handshake.
	HandshakeTimeout time.Duration `mapstructure:"handshake_timeout"`
	// IdleTimeout closes a connection that sent nothing for this long.
	IdleTimeout time.Duration `mapstructure:"idle_timeout"`
	// WriteTimeout bounds one write of a reply to a client.
	WriteTimeout time.Duration `mapstructure:"write_timeout"`
	// OutboundQueueBytes is the most reply bytes queued for one connection; a client that
	// does not read its replies is disconnected past it.
	OutboundQueueBytes int64 `mapstructure:"outbound_queue_bytes"`
	// MaxUnverifiedBytes bounds, over all connections, the bytes of request bodies and first
	// WebSocket messages received and held before their signature can be checked; past it
	// such a request is refused (REST 503, WebSocket close 1013) instead of read. Bytes are
	// charged as they arrive, never as a header claims them; the memory holding them may
	// be up to twice as much (buffers double as they fill). At least
	// MaxUnverifiedBytesPerAddress.
	MaxUnverifiedBytes int64 `mapstructure:"max_unverified_bytes"`
	// MaxUnverifiedBytesPerAddress bounds the unverified bytes of the connections of one
	// source address (an IPv6 address by its /64), so that one stranger cannot take all of
	// MaxUnverifiedBytes; past it, REST 503 and WebSocket close 1013. At least
	// MaxUnverifiedBytesPerConnection. Its default is DefaultMaxUnverifiedBytesPerAddress
	// or MaxUnverifiedBytesPerConnection, whichever is larger. Behind a reverse proxy
	// every client has the proxy's address: raise it to MaxUnverifiedBytes there.
	MaxUnverifiedBytesPerAddress int64 `mapstructure:"max_unverified_bytes_per_address"`
	// MaxUnverifiedBytesPerConnection bounds the unverified bytes of one connection: the
	// largest REST body, and the largest first message of a WebSocket session (REST 400,
	// WebSocket close 1009). Its default is MaxMessageBytes: lower it to accept only small
	// requests from those not yet verified.
	MaxUnverifiedBytesPerConnection int64 `mapstructure:"max_unverified_bytes_per_connection"`
	// AuthTimeout is how long a connection may stay unauthenticated: a WebSocket connection
	// whose first verified message is not whole within AuthTimeout of its upgrade is closed
	// (1008), a REST connection that has carried no verified request within AuthTimeout of
	// its acceptance is closed, and a REST body (unverified until it is whole) must arrive
	// within AuthTimeout. It bounds how long strangers hold places under
	// MaxUnauthenticatedConnections and bytes under MaxUnverifiedBytes.
	AuthTimeout time.Duration `mapstructure:"auth_timeout"`
	// MaxInflightBytes bounds, over all customers, the bytes of authenticated messages held
	// from their first byte until their reply: WebSocket messages being received or
	// reassembled from fragments and being handled, REST bodies once verified. Past it a
	// WebSocket connection is closed with 1013 and a REST request answered 503. At least
	// MaxInflightBytesPerCustomer.
	MaxInflightBytes int64 `mapstructure:"max_inflight_bytes"`
	// MaxInflightBytesPerCustomer bounds the same bytes for one customer, so that one
	// customer cannot take all of MaxInflightBytes. At least MaxMessageBytes; its default
	// is DefaultMaxInflightBytesPerCustomer or MaxMessageBytes, whichever is larger.
	MaxInflightBytesPerCustomer int64 `mapstructure:"max_inflight_bytes_per_customer"`
	// MaxProjects is the most projects one customer may have.
	MaxProjects int `mapstructure:"max_projects"`
	// MaxModels is the most models one project may hold.
	MaxModels int `mapstructure:"max_models"`
	// MaxAttributes is the most attributes one project may hold (T expansion included).
	MaxAttributes int `mapstructure:"max_attributes"`
	// MaxPartitions is the most partitions one partition project may hold.
	MaxPartitions int `mapstructure:"max_partitions"`
	// MaxNewAttributesPerMessage is the most attributes one learn message may add to a
	// project (T expansion included): a small message cannot make thousands of them.
	MaxNewAttributesPerMessage int `mapstructure:"max_new_attributes_per_message"`
	// MaxProjectBytes bounds the memory of one project: its statistics, about
	// (1 + partitions) · 8·d(d+6) bytes for d attributes, plus its attribute names,
	// partition values and models. Its snapshot is never larger.
	MaxProjectBytes int64 `mapstructure:"max_project_bytes"`
	// MaxNameBytes bounds project ids, model ids, attribute names (T-derived ones
	// included) and partition values.
	MaxNameBytes int `mapstructure:"max_name_bytes"`
	// MaxCustomerBytes bounds the memory of all the projects of one customer together,
	// counted as MaxProjectBytes counts one; at least MaxProjectBytes.
	MaxCustomerBytes int64 `mapstructure:"max_customer_bytes"`
	// MaxExploreWork bounds the work of one exploration request, the sum of its
	// MLContexts' costs (README: pca on d inputs costs d³, ...), counted before any of it
	// is done.
	MaxExploreWork int64 `mapstructure:"max_explore_work"`
	// MaxSubscriptions is the most live subscriptions of one connection (names, pairs and
	// topics; "*" counts as one).
	MaxSubscriptions int `mapstructure:"max_subscriptions"`
	// MaxUploadBytes is the largest file one upload may announce.
	MaxUploadBytes int64 `mapstructure:"max_upload_bytes"`
	// MaxUploads is the most unfinished uploads (receiving, finalizing or failed: holding a
	// file) one customer may have at once.
	MaxUploads int `mapstructure:"max_uploads"`
	// MaxUploadDiskBytes bounds the disk the files of unfinished uploads take together
	// under data_dir/uploads: an upload reserves its size when it is announced.
	MaxUploadDiskBytes int64 `mapstructure:"max_upload_disk_bytes"`
}

// Uploads configures bulk uploads.
type Uploads struct {
	// TTL is how long an unfinished upload is kept without a chunk before it expires and
	// its file is removed; a done or expired upload is forgotten TTL after it ended.
	TTL time.Duration `mapstructure:"ttl"`
}

// Subscribe configures live subscriptions.
type Subscribe struct {
	// Interval is the least time between two data messages of one subscription: after a
	// change its new value is sent within Interval, intermediate states are skipped.
	Interval time.Duration `mapstructure:"interval"`
}

// Log configures log/slog output.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `mapstructure:"level"`
	// Format is json or text.
	Format string `mapstructure:"format"`
}

// Cluster configures the node's bus: NATS with JetStream, whose stream of changes every
// node applies in order (docs/cluster.md). Every node of a cluster must share its
// customers, limits, auth.clock_skew_* and the keys below but node_id and embedded_*.
type Cluster struct {
	// NATSURL is the bus: one or more comma-separated nats:// or tls:// URLs of NATS
	// servers with JetStream. Empty and EmbeddedNATS off: a single node (no cluster).
	// With EmbeddedNATS it must be empty: the node uses its own embedded server.
	// Credentials never go in the URL: see Credentials.
	NATSURL string `mapstructure:"nats_url"`
	// NodeID names the node in logs, metrics and job records; empty means the host name.
	// Letters, digits and "-._~", at most MaxNodeIDBytes.
	NodeID string `mapstructure:"node_id"`
	// Stream is the JetStream stream of changes; its subjects are the lower-cased name
	// followed by ".<cid>.<pid>". Every node of a cluster uses the same.
	Stream string `mapstructure:"stream"`
	// Replicas is the stream's replica count: 1 for one NATS server, 3 for a NATS cluster.
	Replicas int `mapstructure:"replicas"`
	// Credentials authenticate the node's bus connection: "user:password", or the path of a
	// NATS credentials file (user JWT and NKey seed) ending in ".creds". Empty: none.
	Credentials string `mapstructure:"credentials"`
	// EmbeddedNATS runs a NATS server with JetStream inside the process, its data in
	// data_dir/nats, listening on EmbeddedListen for the other nodes.
	EmbeddedNATS bool `mapstructure:"embedded_nats"`
	// EmbeddedListen is the client address of the embedded NATS server. A host other than
	// loopback needs Credentials ("user:password", which the embedded server then requires).
	EmbeddedListen string `mapstructure:"embedded_listen"`
	// AdvertiseURL is the base URL (ws:// or wss://, a scheme and a host) at which clients
	// reach this node itself rather than through a load balancer: an upload's replies name
	// it as the node that holds the upload's bytes, and clients send its chunks, status
	// and finalize there. Empty: PublicURL (the node's own when it has one).
	AdvertiseURL string `mapstructure:"advertise_url"`
	// Timeout bounds every wait on the bus: a change's publish acknowledgement and its
	// application, a job record, the first connection at start.
	Timeout time.Duration `mapstructure:"timeout"`
	// SnapshotInterval and SnapshotRecords: the snapshot leader (one node, elected on the
	// bus) publishes a full snapshot to the bus's object store when the newest one is
	// SnapshotInterval old or SnapshotRecords records behind the stream, whichever first.
	SnapshotInterval time.Duration `mapstructure:"snapshot_interval"`
	SnapshotRecords  int64         `mapstructure:"snapshot_records"`
	// SnapshotsKept is how many full snapshots the object store keeps; the stream is
	// purged below the oldest of them (and never of what a live node has yet to apply, nor
	// of what is younger than the replay window).
	SnapshotsKept int `mapstructure:"snapshots_kept"`
}

// Enabled reports whether the server is a cluster node: a bus is configured or embedded.
func (c Cluster) Enabled() bool { return c.NATSURL != "" || c.EmbeddedNATS }

// Testing holds test-only switches, all off by default.
type Testing struct {
	// EchoEndpoint serves /symetry/ws/echo (unsigned; echoes every message) through the same
	// connection loop as the real endpoints, for conformance suites. Its connections count
	// as authenticated from their upgrade (limits.auth_timeout does not close them): never
	// on where strangers can connect.
	EchoEndpoint bool `mapstructure:"echo_endpoint"`
}

// Defaults, applied by ApplyDefaults to every zero field.
const (
	DefaultListen             = "127.0.0.1:8080"
	DefaultAdminListen        = "127.0.0.1:9090"
	DefaultDataDir            = "./var"
	DefaultDurability         = "always"
	DefaultDurabilityInterval = 10 * time.Millisecond
	DefaultClockSkewPast      = 5 * time.Minute
	DefaultClockSkewFuture    = 1 * time.Minute
	DefaultReplayCapacity     = 1_000_000
	DefaultReplayPredict      = true
	DefaultLegacyFraming      = true
	DefaultMaxFrameBytes      = 16 << 20
	DefaultMaxMessageBytes    = 64 << 20
	DefaultMaxRows            = 1_000_000
	DefaultMaxColumns         = 10_000
	DefaultMaxConnections     = 100_000
	// DefaultMaxUnauthenticatedConnections is below the descriptors of a usual 20 000
	// limit once the reserve is taken.
	DefaultMaxUnauthenticatedConnections = 4096
	// UnauthenticatedPerAddressShare: max_unauthenticated_connections_per_address defaults
	// to max_unauthenticated_connections divided by it.
	UnauthenticatedPerAddressShare = 16
	DefaultMaxInflight             = 4096
	DefaultRPCInflight             = 64
	DefaultHandshakeTimeout        = 5 * time.Second
	DefaultIdleTimeout             = 5 * time.Minute
	DefaultWriteTimeout            = 10 * time.Second
	DefaultOutboundQueueBytes      = 4 << 20
	DefaultMaxUnverifiedBytes      = 256 << 20
	// DefaultMaxUnverifiedBytesPerAddress is a quarter of DefaultMaxUnverifiedBytes.
	DefaultMaxUnverifiedBytesPerAddress = 64 << 20
	DefaultAuthTimeout                  = 10 * time.Second
	DefaultMaxInflightBytes             = 1 << 30
	DefaultMaxInflightBytesPerCustomer  = 256 << 20
	DefaultMaxProjects                  = 10_000
	DefaultMaxModels                    = 1_000
	DefaultMaxAttributes                = 4096
	DefaultMaxPartitions                = 4096
	DefaultMaxNewAttributes             = 1024
	DefaultMaxProjectBytes              = 1 << 30
	DefaultMaxNameBytes                 = 256
	DefaultMaxCustomerBytes             = 4 << 30
	// DefaultMaxExploreWork holds one pca on 512 inputs (about 2·10⁸ units) and little more.
	DefaultMaxExploreWork    = 1 << 28
	DefaultMaxSubscriptions  = 10_000
	DefaultSubscribeInterval = 50 * time.Millisecond
	// MinSubscribeInterval bounds subscribe.interval from below: shorter, a project
	// with subscribers would be read after nearly every change.
	MinSubscribeInterval = time.Millisecond
	// Bulk uploads.
	DefaultMaxUploadBytes     = 64 << 30
	DefaultMaxUploads         = 16
	DefaultMaxUploadDiskBytes = 256 << 30
	DefaultUploadTTL          = 24 * time.Hour
	DefaultLogLevel           = "info"
	DefaultLogFormat          = "json"

	DefaultClusterStream         = "SYMSCORE"
	DefaultClusterReplicas       = 1
	DefaultClusterEmbeddedListen = "127.0.0.1:4222"
	DefaultClusterTimeout        = 5 * time.Second
	DefaultSnapshotInterval      = 10 * time.Minute
	DefaultSnapshotRecords       = 1_000_000
	DefaultSnapshotsKept         = 2
)
