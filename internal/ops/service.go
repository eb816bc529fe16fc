package ops

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/cluster"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/live"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/upload"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/store"
	"github.com/symscore/symscore/wal"
)

// Options are what a Service is made of. Config must have its defaults applied.
type Options struct {
	Config  config.Config
	Log     *slog.Logger // nil: discard
	Metrics *metrics.Set
	// Now is the clock of signature dates and build jobs (nil: time.Now).
	Now func() time.Time
	// FS is the store's file system (nil: the operating system's; tests inject faults).
	FS wal.FS
	// Spawn starts a goroutine its caller tracks (build jobs), so that shutdown can wait
	// for it (nil: a plain go statement).
	Spawn func(func())
	// BeforeBuild, when set, runs in every build job before it waits for its compute slot
	// (tests hold builds with it).
	BeforeBuild func()
	// BuildsStopped, when set, runs when Shutdown has refused new builds and begins
	// waiting for the running ones.
	BuildsStopped func()
	// BeforeExplore, when set, runs in every exploration once it holds its compute slot,
	// with the customer's id (tests hold explorations with it).
	BeforeExplore func(cid string)
	// ComputeSlots is the size of the compute pool of builds and explorations (0:
	// DefaultComputeSlots).
	ComputeSlots int
}

// Service runs the operations. Open makes it (recovering the durable state); Close makes
// everything durable and closes it. Safe for concurrent use.
type Service struct {
	log   *slog.Logger
	debug bool // log enables LevelDebug (DebugEnabled)
	store *store.Store
	node  *cluster.Node // the cluster's bus; nil on a single node
	// nodeURL is how clients reach this node itself, named in its uploads' replies:
	// cluster.advertise_url, else public_url.
	nodeURL string
	keys    *auth.KeyStore
	replay  *auth.ReplayCache
	authOpt auth.Options
	metrics *opsMetrics
	jobs    *jobTable
	// builds stop the build jobs of a deleted project (build_stop.go).
	builds  buildStops
	live    *live.Notifier // live subscriptions (subscribe.go)
	now     func() time.Time
	clock   bool // now is Options.Now, not time.Now
	before  func()
	authLog authLogLimiter // bounds the authentication failure log
	uploads *upload.Manager
	// jobsCtx ends when Shutdown begins: finalize jobs stop reading.
	jobsCtx         context.Context
	stopJobs        context.CancelFunc
	maxAttributes   int   // limits.max_attributes: inference allows a quarter as T values
	maxProjectBytes int64 // limits.max_project_bytes: bounds an upload's summaries

	beforeExplore func(cid string)
	// compute is the pool builds and explorations run in (compute.go).
	compute *admit.Pool
	// inflight is limits.max_inflight_bytes; each customer's budget is a child of it.
	inflight *admit.Budget

	// customers are the configured customers by id: a verified cid is looked up here
	// without allocating, and a Customer carries the interned string.
	customers map[string]Customer
	// legacyFraming: the message parser accepts the 5.x framing.
	legacyFraming bool
	// maxNameBytes bounds project ids, model ids and attribute names (limits.max_name_bytes).
	maxNameBytes int
	// learnOpts and predictOpts are the DataFrame limits; the partition column is set per
	// project.
	learnOpts, predictOpts dataframe.Options

	scratch sync.Pool // *Scratch
}

// Open recovers the durable state from Config.DataDir (snapshots, then the write-ahead
// log), or on a cluster node (Config.Cluster) joins the bus and catches up with its
// stream, and prepares verification. Recovery is what /readyz waits for.
func Open(o Options) (*Service, error) {
	cfg := o.Config
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	spawn := o.Spawn
	if spawn == nil {
		spawn = func(f func()) { go f() }
	}
	secrets := make(map[string][]string, len(cfg.Customers))
	customers := make(map[string]Customer, len(cfg.Customers))
	inflight := admit.NewBudget(cfg.Limits.MaxInflightBytes)
	for _, c := range cfg.Customers {
		secrets[c.ID] = c.Secrets
		customers[c.ID] = Customer{id: c.ID, inflight: inflight.Child(cfg.Limits.MaxInflightBytesPerCustomer)}
	}
	slots := o.ComputeSlots
	if slots <= 0 {
		slots = DefaultComputeSlots()
	}
	keys, err := auth.NewKeyStore(secrets)
	if err != nil {
		return nil, err
	}
	node, err := openCluster(cfg, log, o.Metrics)
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg, log, o.FS, node)
	if err != nil {
		closeCluster(node)
		return nil, err
	}
	ups, err := openUploads(cfg, log, o.Now)
	if err != nil {
		closeStore(st)
		closeCluster(node)
		return nil, fmt.Errorf("cannot open the uploads in data_dir %q: %w", cfg.DataDir, err)
	}
	runCluster(node, st)
	s := &Service{
		log:    log,
		debug:  log.Enabled(context.Background(), slog.LevelDebug),
		store:  st,
		keys:   keys,
		replay: newReplayCache(cfg.Auth, keys, seenSignatures(st), o.Now),
		authOpt: auth.Options{
			ClockSkewPast:   cfg.Auth.ClockSkewPast,
			ClockSkewFuture: cfg.Auth.ClockSkewFuture,
			AllowSHA1:       cfg.Auth.AllowSHA1,
			PublicURL:       cfg.PublicURL,
			Now:             o.Now,
			ReplayReads:     cfg.Auth.ReplayPredict,
		},
		metrics: newOpsMetrics(o.Metrics),
		node:    node,
		nodeURL: cmp.Or(cfg.Cluster.AdvertiseURL, cfg.PublicURL),
		jobs:    newJobTable(now, spawn, o.BuildsStopped),
		live: live.New(live.Options{
			Interval: cfg.Subscribe.Interval, MaxSubscriptions: cfg.Limits.MaxSubscriptions,
			Metrics: o.Metrics, Spawn: spawn, Log: log,
		}),
		now:           now,
		clock:         o.Now != nil,
		before:        o.BeforeBuild,
		beforeExplore: o.BeforeExplore,
		compute:       admit.NewPool(slots, MaxQueuedWork),
		inflight:      inflight,
		customers:     customers,
		legacyFraming: cfg.Auth.LegacyFraming,
		maxNameBytes:  cfg.Limits.MaxNameBytes,
		uploads:       ups,

		maxAttributes:   cfg.Limits.MaxAttributes,
		maxProjectBytes: cfg.Limits.MaxProjectBytes,
	}
	s.jobsCtx, s.stopJobs = context.WithCancel(context.Background())
	if err := s.resolveUploads(); err != nil {
		log.Error("uploads left finalizing could not all be resolved; they stay finalizing until the next start", "err", err)
	}
	if o.Metrics != nil {
		registerUploadMetrics(o.Metrics, ups)
	}
	lim := dataframe.Options{
		MaxRows:    cfg.Limits.MaxRows,
		MaxColumns: cfg.Limits.MaxColumns,
		// Every cell takes at least 4 bytes of JSON ("1",), but T expansion multiplies rows
		// by distinct values: this bounds the expanded matrix (8 bytes a cell), not the message.
		MaxCells:     int(cfg.Limits.MaxMessageBytes / 4),
		MaxNameBytes: cfg.Limits.MaxNameBytes,
	}
	s.learnOpts, s.predictOpts = lim, lim
	s.learnOpts.Mode = dataframe.ModeLearn
	s.predictOpts.Mode = dataframe.ModePredict
	s.scratch.New = func() any { return s.newScratch() }
	if node != nil {
		s.jobs.board = jobBoard{node.Jobs()}
		s.jobs.onBoardErr = func(err error) {
			log.Warn("cluster: a finished job's state is known to this node only", "err", err)
		}
	}
	return s, nil
}

// newReplayCache makes the replay memory of signed messages, a share per customer of keys,
// and fills it with the ones the store kept from before the restart (still inside their
// window), each in its customer's share, so that nothing accepted before a restart is
// accepted again.
func newReplayCache(a config.Auth, keys *auth.KeyStore, seen []store.Seen, now func() time.Time) *auth.ReplayCache {
	c := auth.NewCustomerReplayCache(keys, a.ReplayCapacity, a.ClockSkewPast)
	if now == nil {
		now = time.Now
	}
	t := now()
	for _, sn := range seen {
		c.RememberFor(sn.CID, sn.Key, sn.Date, sn.Read, t) // a full share refuses its customer's new ones anyway
	}
	return c
}

// InflightBytes is the budget of authenticated message bytes in flight over all customers
// (limits.max_inflight_bytes); every customer's InflightBytes is a child of it.
func (s *Service) InflightBytes() *admit.Budget { return s.inflight }

// Shutdown refuses new jobs, stops the finalize jobs that are still reading their file
// (their uploads can be finalized again) and waits for the running jobs (or ctx), so that
// a build in progress, or a finalize logging its change, reaches the store before it
// closes; past ctx's end the running builds are stopped. Call it before Close.
func (s *Service) Shutdown(ctx context.Context) error {
	s.stopJobs()
	return s.jobs.shutdown(ctx)
}

// Close makes everything durable and closes the uploads and the store, then the cluster's
// bus. Operations after it are refused (SERVICE_UNAVAILABLE).
func (s *Service) Close() error {
	s.stopJobs()
	return errors.Join(s.uploads.Close(), closeStore(s.store), closeCluster(s.node))
}

// Healthy reports whether durability works: after a failed write or fsync, every change
// is refused until a restart. On a cluster node it is false while the bus is unreachable.
func (s *Service) Healthy() bool { return storeErr(s.store) == nil }

// RestartNeeded returns the failure that only a restart mends, or nil: a cluster node that
// found records missing from the stream holds a state the others may not, and will apply
// nothing more (a restart loads the bus's newest snapshot). Liveness probes ask it.
func (s *Service) RestartNeeded() error {
	if err := storeErr(s.store); errors.Is(err, store.ErrRestartNeeded) {
		return err
	}
	return nil
}

// frameOptions returns the DataFrame options of a message for a project whose partition
// column is partition.
func (s *Service) frameOptions(predict bool, partition string) dataframe.Options {
	o := s.learnOpts
	if predict {
		o = s.predictOpts
	}
	o.PartitionColumn = partition
	return o
}

// check refuses an operation for no customer (the zero Customer).
func check(c Customer) error {
	if !c.Valid() {
		return protocol.Errorf(protocol.StatusUnauthorized, "no verified customer")
	}
	return nil
}
