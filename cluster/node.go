package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Options configure a Node (config.Cluster, resolved).
type Options struct {
	// URL lists the NATS servers (comma-separated); "" with Embedded: the embedded server.
	URL string
	// NodeID names the node; "" means the host name.
	NodeID string
	// Stream is the stream of changes; Replicas its replica count (at creation or update).
	Stream   string
	Replicas int
	// User and Password, or CredsFile (a NATS .creds file), authenticate the connection;
	// User and Password are also what the embedded server requires.
	User, Password, CredsFile string
	// Embedded runs a NATS server in the process (see startEmbedded) and uses it.
	Embedded       bool
	EmbeddedListen string
	// DataDir holds the embedded server's JetStream data (DataDir/nats).
	DataDir string
	// Dir is the node's own directory: the store's snapshots and the resume point that
	// says where they leave the stream. "" keeps none: the node starts from the newest
	// snapshot on the bus (or the stream's first record) every time.
	Dir string
	// SnapshotInterval and SnapshotRecords make the snapshot leader (Run) publish a full
	// snapshot when the newest one is that old, or that many records behind the stream's
	// last, whichever comes first; 0 disables that trigger. SnapshotsKept snapshots are
	// kept in the object store (0 means 2), and the stream is purged below the oldest.
	SnapshotInterval time.Duration
	SnapshotRecords  uint64
	SnapshotsKept    int
	// EmbeddedSync is when the embedded server fsyncs what it stores: 0 every message
	// before acknowledging it, > 0 at most that long after, < 0 NATS' default (2 minutes).
	EmbeddedSync time.Duration
	// DuplicateWindow is the stream's duplicate window: how long a signature stays refused
	// on every node (the replay window).
	DuplicateWindow time.Duration
	// JobRetention is how long a job record lives in the jobs bucket after its last write.
	JobRetention time.Duration
	// Timeout bounds every wait on the bus (see config.Cluster.Timeout).
	Timeout time.Duration
	// Logger receives the node's events; nil discards them.
	Logger *slog.Logger
	// Metrics are updated as records are published and delivered; nil: none.
	Metrics *Metrics
}

// Node is a connection to the bus: the stream's Log for the store, the jobs bucket, and
// the embedded NATS server when there is one. Open connects; Close closes everything.
type Node struct {
	opts  Options
	srv   *server.Server // the embedded server, or nil
	nc    *nats.Conn
	js    jetstream.JetStream
	log   *Log
	jobs  *Jobs
	snaps *snapshotStore
	nodes *heartbeats
	lock  jetstream.KeyValue

	stop    chan struct{}   // closed by Close: Run's goroutines end
	stopCtx context.Context // canceled by Close: what Run's goroutines wait for on the bus
	cancel  context.CancelFunc
	running sync.WaitGroup // Run's goroutines

	closing atomic.Bool // Close has begun: a disconnection is not news
	// applying is the log once it delivers records as they come (Log.Start), for the
	// reconnection handler.
	applying atomic.Pointer[Log]
}

// Open starts the embedded server if asked, connects to the bus (retrying for
// Options.Timeout), and makes or checks the stream and the jobs bucket.
func Open(o Options) (*Node, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SnapshotsKept <= 0 {
		o.SnapshotsKept = DefaultSnapshotsKept
	}
	if o.NodeID == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "node"
		}
		o.NodeID = host
	}
	m := o.Metrics.filled()
	n := &Node{opts: o}
	if o.Embedded {
		srv, err := startEmbedded(&o)
		if err != nil {
			return nil, err
		}
		n.srv = srv
	}
	if err := n.connect(m); err != nil {
		n.Close()
		return nil, err
	}
	js, err := jetstream.New(n.nc)
	if err != nil {
		n.Close()
		return nil, err
	}
	n.js = js
	if err := n.ensureAll(); err != nil {
		n.Close()
		return nil, err
	}
	n.log = newLog(js, n.nc, &o, m)
	n.log.started = func() { n.applying.Store(n.log) }
	n.stop = make(chan struct{})
	n.stopCtx, n.cancel = context.WithCancel(context.Background())
	n.running.Go(n.beat)
	n.running.Go(func() { n.watchSnapshots(m) })
	return n, nil
}

// ensureAll makes or checks the stream and the buckets. A JetStream cluster just formed,
// or electing leaders after a server's loss, may not answer within Options.Timeout: each
// step is tried again (for setupAttempts × Options.Timeout in all).
func (n *Node) ensureAll() error {
	js, o := n.js, &n.opts
	steps := []func(ctx context.Context) error{
		n.ensureStream,
		func(ctx context.Context) (err error) { n.jobs, err = openJobs(ctx, js, o); return err },
		func(ctx context.Context) (err error) { n.snaps, err = openSnapshots(ctx, js, o); return err },
		func(ctx context.Context) (err error) { n.nodes, err = openHeartbeats(ctx, js, o); return err },
		func(ctx context.Context) (err error) { n.lock, err = openLock(ctx, js, o); return err },
	}
	for _, step := range steps {
		var err error
		for range setupAttempts {
			ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
			err = step(ctx)
			cancel()
			if err == nil || errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, nats.ErrAuthorization) {
				break
			}
			o.Logger.Warn("cluster: the bus is not ready yet", "err", err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// setupAttempts is how many times ensureAll tries each step.
const setupAttempts = 5

// connect dials the bus, retrying until Options.Timeout, with reconnection for ever after.
func (n *Node) connect(m *Metrics) error {
	o, log := &n.opts, n.opts.Logger
	opts := []nats.Option{
		nats.Name("symscore " + o.NodeID),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		// Nothing is buffered while the bus is away: a change is refused at once.
		nats.ReconnectBufSize(-1),
		nats.Timeout(min(o.Timeout, 2*time.Second)),
		nats.PingInterval(5 * time.Second),
		nats.MaxPingsOutstanding(2),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			m.Connected.Set(0)
			if !n.closing.Load() {
				log.Warn("cluster: disconnected from the bus; changes are refused until it is back", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			m.Connected.Set(1)
			log.Info("cluster: reconnected to the bus", "server", nc.ConnectedUrlRedacted())
			if l := n.applying.Load(); l != nil {
				go l.checkPurged()
			}
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Warn("cluster: bus error", "err", err)
		}),
	}
	switch {
	case o.CredsFile != "":
		opts = append(opts, nats.UserCredentials(o.CredsFile))
	case o.User != "":
		opts = append(opts, nats.UserInfo(o.User, o.Password))
	}
	url := o.URL
	if n.srv != nil {
		opts = append(opts, nats.InProcessServer(n.srv))
		url = n.srv.ClientURL()
	}
	deadline := time.Now().Add(o.Timeout)
	for {
		nc, err := nats.Connect(url, opts...)
		if err == nil {
			n.nc = nc
			m.Connected.Set(1)
			log.Info("cluster: connected to the bus", "server", nc.ConnectedUrlRedacted(), "node_id", o.NodeID, "stream", o.Stream)
			return nil
		}
		if time.Now().After(deadline) || errors.Is(err, nats.ErrAuthorization) {
			return fmt.Errorf("cluster: cannot connect to the bus at %s: %w", redact(url), err)
		}
		log.Warn("cluster: cannot connect to the bus yet", "url", redact(url), "err", err)
		time.Sleep(250 * time.Millisecond)
	}
}

// redact drops user information from URLs, which the configuration refuses anyway.
func redact(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		if at := strings.LastIndexByte(p, '@'); at >= 0 {
			if s := strings.Index(p, "://"); s >= 0 && s < at {
				parts[i] = p[:s+3] + "***" + p[at:]
			}
		}
	}
	return strings.Join(parts, ",")
}

// streamConfig is the stream of changes: every record kept (no limits; deleting one is
// refused, since every node needs every record), on files, with the replay window as
// its duplicate window.
func (n *Node) streamConfig() jetstream.StreamConfig {
	o := n.opts
	return jetstream.StreamConfig{
		Name:        o.Stream,
		Description: "symscore: every change of every project, in order",
		Subjects:    []string{SubjectPrefix(o.Stream) + ".>"},
		Retention:   jetstream.LimitsPolicy,
		MaxMsgs:     -1,
		MaxBytes:    -1,
		Discard:     jetstream.DiscardNew,
		Storage:     jetstream.FileStorage,
		Replicas:    o.Replicas,
		Duplicates:  o.DuplicateWindow,
		DenyDelete:  true,
	}
}

// ensureStream makes the stream, or updates the settings this node depends on (subjects,
// replicas, duplicate window) when they differ, with a warning: every node of a cluster
// should have the same configuration.
func (n *Node) ensureStream(ctx context.Context) error {
	want := n.streamConfig()
	s, err := n.js.Stream(ctx, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		if _, err := n.js.CreateStream(ctx, want); err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return fmt.Errorf("cluster: cannot create stream %s: %w", want.Name, err)
		}
		n.opts.Logger.Info("cluster: created the stream", "stream", want.Name, "replicas", want.Replicas, "duplicate_window", want.Duplicates.String())
		return nil
	}
	if err != nil {
		return fmt.Errorf("cluster: cannot read stream %s: %w", want.Name, err)
	}
	have := s.CachedInfo().Config
	if slices.Equal(have.Subjects, want.Subjects) && have.Replicas == want.Replicas && have.Duplicates == want.Duplicates &&
		have.MaxMsgs < 0 && have.MaxBytes < 0 && have.MaxAge == 0 {
		return nil
	}
	n.opts.Logger.Warn("cluster: the stream's settings differ from this node's; updating them (every node should have the same configuration)",
		"stream", want.Name, "subjects", have.Subjects, "replicas", have.Replicas, "duplicate_window", have.Duplicates.String(),
		"want_replicas", want.Replicas, "want_duplicate_window", want.Duplicates.String())
	upd := have
	upd.Subjects, upd.Replicas, upd.Duplicates = want.Subjects, want.Replicas, want.Duplicates
	upd.MaxMsgs, upd.MaxBytes, upd.MaxAge = -1, -1, 0
	if _, err := n.js.UpdateStream(ctx, upd); err != nil {
		return fmt.Errorf("cluster: cannot update stream %s: %w", want.Name, err)
	}
	return nil
}

// Log is the stream of changes, for store.Options.Log. The store closes it.
func (n *Node) Log() *Log { return n.log }

// Jobs is the jobs bucket.
func (n *Node) Jobs() *Jobs { return n.jobs }

// NodeID is the node's name.
func (n *Node) NodeID() string { return n.opts.NodeID }

// Close closes the log (if the store has not), the connection and the embedded server.
func (n *Node) Close() error {
	if n.closing.Swap(true) {
		return nil
	}
	if n.stop != nil {
		close(n.stop)
		n.cancel()
		n.running.Wait()
	}
	if n.log != nil {
		n.log.Close()
	}
	if n.nc != nil {
		n.nc.Close()
	}
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
	}
	return nil
}
