package ops

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/symscore/symscore/cluster"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/store"
	"github.com/symscore/symscore/wal"
)

// Every call into package store is in this file: what the operations need of the durable
// state, named for them. A change of the store's API lands here and nowhere else.

// openStore opens (recovers) the store in cfg.DataDir, or, on a cluster node, from the
// stream of node.
func openStore(cfg config.Config, log *slog.Logger, fsys wal.FS, node *cluster.Node) (*store.Store, error) {
	mode, err := wal.ParseMode(cfg.Durability)
	if err != nil {
		return nil, fmt.Errorf("durability: %w", err)
	}
	opts := store.Options{
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
	}
	if node != nil {
		clusterStoreOptions(&opts, node)
	}
	st, err := store.Open(opts)
	switch {
	case err != nil && node != nil:
		return nil, fmt.Errorf("cannot catch up with the cluster's stream: %w", err)
	case err != nil:
		return nil, fmt.Errorf("cannot recover the state in data_dir %q: %w", cfg.DataDir, err)
	}
	return st, nil
}

// seenSignatures are the signatures of changes the log kept from before the restart.
func seenSignatures(st *store.Store) []store.Seen { return st.Seen() }

func closeStore(st *store.Store) error { return st.Close() }

func storeErr(st *store.Store) error { return st.Err() }

// recordSeen keeps an accepted signature with the change that follows, so that a restart
// still refuses its replay.
func (s *Service) recordSeen(key [16]byte, date time.Time) error {
	return s.store.RecordSeen(key, date)
}

func (s *Service) project(c Customer, pid string) (*model.Project, error) {
	return s.store.Project(c.id, pid)
}

func (s *Service) projectIDs(c Customer) []string { return s.store.List(c.id) }

func (s *Service) createProject(c Customer, pid, typ string, params map[string]string) error {
	return s.store.Create(c.id, pid, typ, params)
}

func (s *Service) deleteProject(c Customer, pid string) error { return s.store.Delete(c.id, pid) }

// applyFrame learns f into project pid, or forgets it.
func (s *Service) applyFrame(c Customer, pid string, f *dataframe.Frame, forget bool) error {
	if forget {
		return s.store.Forget(c.id, pid, f)
	}
	return s.store.Learn(c.id, pid, f)
}

func (s *Service) setFrozen(c Customer, pid string, frozen bool) error {
	return s.store.SetFrozen(c.id, pid, frozen)
}

func (s *Service) mergeProjects(c Customer, pid, other string) error {
	return s.store.Merge(c.id, pid, other)
}

// publishModel puts m into p, the project the build read (refused when p was deleted
// meanwhile, even if another of the same id was created since).
func (s *Service) publishModel(c Customer, p *model.Project, m *model.Model) error {
	return s.store.PutModelInto(c.id, p, m)
}

// addModel is publishModel for a model whose id p must not have: refused with
// errModelExists when it has one, then or when the model's record is applied (another
// node's model of that id may come first in a cluster's log).
func (s *Service) addModel(c Customer, p *model.Project, m *model.Model) error {
	err := s.store.AddModelInto(c.id, p, m)
	if errors.Is(err, store.ErrModelExists) {
		return errModelExists(p.ID(), m.ID())
	}
	return err
}

func (s *Service) deleteModel(c Customer, pid, modelID string) error {
	return s.store.DeleteModel(c.id, pid, modelID)
}

func (s *Service) exportProject(c Customer, pid string) ([]byte, error) {
	return s.store.Export(c.id, pid)
}

func (s *Service) importProject(c Customer, pid string, data []byte) error {
	return s.store.Import(c.id, pid, data)
}

func (s *Service) storeStats() (store.Stats, error) { return s.store.Stats() }

// applyUpload logs and applies the change of upload id: the rows d summarises learned
// into project pid, or forgotten.
func (s *Service) applyUpload(c Customer, pid, id string, d *model.Delta, forget bool) error {
	if forget {
		return s.store.ForgetUpload(c.id, pid, id, d)
	}
	return s.store.LearnUpload(c.id, pid, id, d)
}

// heldUploads are the uploads whose change the store holds with its outcome.
func (s *Service) heldUploads() []store.UploadOutcome { return s.store.Uploads() }

// settleUpload lets the store forget upload id's outcome, written down in the upload.
func (s *Service) settleUpload(id string) { s.store.Settle(id) }

// syncStore makes every change logged so far durable.
func (s *Service) syncStore() error { return s.store.Sync() }
