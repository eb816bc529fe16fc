package server

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/store"
	"github.com/symscore/symscore/wal"
)

// service is what the WebSocket endpoints and the REST control plane share: the durable
// state, the customers' keys, the replay memory and pools of per-message scratch. Start
// makes it (opening the store is the recovery /readyz waits for); Shutdown closes it after
// every connection is done. Safe for concurrent use.
type service struct {
	cfg     config.Config // defaults applied
	log     *slog.Logger
	store   *store.Store
	keys    *auth.KeyStore
	replay  *auth.ReplayCache
	authOpt auth.Options
	metrics *serviceMetrics

	// learnOpts and predictOpts are the DataFrame limits; the partition column is set per
	// project.
	learnOpts, predictOpts dataframe.Options

	workers sync.Pool // *worker

	refusals struct{ rows, columns prometheus.Counter } // by the DataFrame limits
	// limitRefusals counts refusals by the project limits, by model sentinel.
	limitRefusals map[error]prometheus.Counter
}

// worker is the scratch of one message, taken from the pool for the message and given back
// after it: an idle connection holds none of it. Not safe for concurrent use.
type worker struct {
	msgs protocol.Parser
	df   dataframe.Parser
	ver  *auth.Verifier

	// predict: a plan for requests without a session (REST), the inputs of one row, which
	// inputs the row lacks, and the outputs.
	pl      predictPlan
	x, out  []float64
	missing []bool
}

// newService opens the store (recovering it from cfg.DataDir) and prepares verification.
// now is the clock of signature dates (nil: time.Now); fsys the store's file system (nil:
// the operating system's).
func newService(cfg config.Config, log *slog.Logger, m *Metrics, now func() time.Time, fsys wal.FS) (*service, error) {
	cfg.ApplyDefaults()
	customers := make(map[string][]string, len(cfg.Customers))
	for _, c := range cfg.Customers {
		customers[c.ID] = c.Secrets
	}
	keys, err := auth.NewKeyStore(customers)
	if err != nil {
		return nil, err
	}
	mode, err := wal.ParseMode(cfg.Durability)
	if err != nil {
		return nil, fmt.Errorf("durability: %w", err)
	}
	st, err := store.Open(store.Options{
		Dir:      cfg.DataDir,
		Mode:     mode,
		Interval: cfg.DurabilityInterval,
		Repair:   cfg.Repair,
		Logger:   log,
		FS:       fsys,
		// The log keeps accepted signatures as long as a replay of them could come.
		ReplayWindow: cfg.Auth.ClockSkewPast + cfg.Auth.ClockSkewFuture,
		Limits: model.Limits{
			MaxAttributes:    cfg.Limits.MaxAttributes,
			MaxPartitions:    cfg.Limits.MaxPartitions,
			MaxStateBytes:    cfg.Limits.MaxProjectBytes,
			MaxProjects:      cfg.Limits.MaxProjects,
			MaxModels:        cfg.Limits.MaxModels,
			MaxNewAttributes: cfg.Limits.MaxNewAttributesPerMessage,
			MaxNameBytes:     cfg.Limits.MaxNameBytes,
			MaxCustomerBytes: cfg.Limits.MaxCustomerBytes,
			MaxExploreWork:   cfg.Limits.MaxExploreWork,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("cannot recover the state in data_dir %q: %w", cfg.DataDir, err)
	}
	s := &service{
		cfg:    cfg,
		log:    log,
		store:  st,
		keys:   keys,
		replay: newReplayCache(cfg.Auth, keys, st.Seen(), now),
		authOpt: auth.Options{
			ClockSkewPast:   cfg.Auth.ClockSkewPast,
			ClockSkewFuture: cfg.Auth.ClockSkewFuture,
			AllowSHA1:       cfg.Auth.AllowSHA1,
			PublicURL:       cfg.PublicURL,
			Now:             now,
			ReplayReads:     cfg.Auth.ReplayPredict,
		},
		metrics: newServiceMetrics(m),
	}
	s.refusals.rows = m.Refusals.WithLabelValues("max_rows")
	s.refusals.columns = m.Refusals.WithLabelValues("max_columns")
	s.limitRefusals = make(map[error]prometheus.Counter, len(projectLimits))
	for _, pl := range projectLimits {
		s.limitRefusals[pl.err] = m.Refusals.WithLabelValues(pl.key)
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
	s.workers.New = func() any {
		return &worker{
			msgs: protocol.Parser{AllowLegacy: cfg.Auth.LegacyFraming},
			ver:  auth.NewVerifier(keys, s.authOpt, s.replay),
		}
	}
	return s, nil
}

// newReplayCache makes the replay memory of signed messages, a share per customer of keys,
// and fills it with the ones the store kept from before the restart (still inside their
// window), so that nothing accepted before a restart is accepted again.
func newReplayCache(a config.Auth, keys *auth.KeyStore, seen []store.Seen, now func() time.Time) *auth.ReplayCache {
	c := auth.NewCustomerReplayCache(keys, a.ReplayCapacity, a.ClockSkewPast)
	if now == nil {
		now = time.Now
	}
	t := now()
	for _, sn := range seen {
		c.Remember(sn.Key, sn.Date, t) // a full cache refuses new changes anyway
	}
	return c
}

// projectLimits are the refusals of the project limits, by the configuration key counted.
var projectLimits = []struct {
	err error
	key string
}{
	{model.ErrTooManyAttributes, "max_attributes"},
	{model.ErrTooManyPartitions, "max_partitions"},
	{model.ErrStateTooLarge, "max_project_bytes"},
	{model.ErrTooManyProjects, "max_projects"},
	{model.ErrTooManyModels, "max_models"},
	{model.ErrTooManyNewAttributes, "max_new_attributes_per_message"},
	{model.ErrNameTooLong, "max_name_bytes"}, // also dataframe.ErrNameTooLong: the same sentinel
	{model.ErrCustomerTooLarge, "max_customer_bytes"},
	{model.ErrExploreTooCostly, "max_explore_work"},
}

// status maps err to its wire status and message (statusOf), counting a refusal by a
// project limit.
func (s *service) status(err error) (protocol.Status, string) {
	for _, pl := range projectLimits {
		if errors.Is(err, pl.err) {
			s.limitRefusals[pl.err].Inc()
			break
		}
	}
	return statusOf(err, s.log)
}

func (s *service) getWorker() *worker  { return s.workers.Get().(*worker) }
func (s *service) putWorker(w *worker) { s.workers.Put(w) }

// close makes everything durable and closes the store.
func (s *service) close() error { return s.store.Close() }

// frameOptions returns the DataFrame options of a message for project p.
func (s *service) frameOptions(predict bool, p *model.Project) dataframe.Options {
	o := s.learnOpts
	if predict {
		o = s.predictOpts
	}
	o.PartitionColumn = p.PartitionColumn()
	return o
}
