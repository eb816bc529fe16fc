package ops

import (
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// Create makes project pid of type typ ("cpu" or "" for cpu, or "partition", whose
// params["partitionSplit"] names the partition column; a cpu project refuses it).
// Refusals: CONFLICT when it exists; BAD_REQUEST for a bad id, type or parameter, or a
// limit.
func (s *Service) Create(c Customer, pid, typ string, params map[string]string) error {
	if err := check(c); err != nil {
		return s.Refuse(err)
	}
	if (typ == "" || typ == model.TypeCPU) && params["partitionSplit"] != "" {
		return s.Refuse(protocol.Errorf(protocol.StatusBadRequest,
			`a cpu project takes no "partitionSplit": create a partition project (type=partition) to split by a column`))
	}
	if err := s.createProject(c, pid, typ, params); err != nil {
		return s.Refuse(err)
	}
	if typ == "" {
		typ = "cpu"
	}
	s.LogChange(c, pid, "create", 0, "type", typ)
	return nil
}

// Delete deletes project pid and its models.
func (s *Service) Delete(c Customer, pid string) error {
	if err := check(c); err != nil {
		return s.Refuse(err)
	}
	var rows int64
	p, err := s.project(c, pid)
	if err == nil {
		rows = p.Rows()
	}
	if err := s.deleteProject(c, pid); err != nil {
		return s.Refuse(err)
	}
	if p != nil {
		// Its build jobs could only be refused now: stop them (build_stop.go).
		s.builds.stop(p, &model.NotFoundError{Project: pid})
	}
	s.LogChange(c, pid, "delete", rows)
	return nil
}

// List returns the customer's project ids, sorted.
func (s *Service) List(c Customer) ([]string, error) {
	if err := check(c); err != nil {
		return nil, s.Refuse(err)
	}
	return s.projectIDs(c), nil
}

// Info describes project pid (attributes, models, rows, dates).
func (s *Service) Info(c Customer, pid string) (model.ProjectInfo, error) {
	p, err := s.findProject(c, pid)
	if err != nil {
		return model.ProjectInfo{}, err
	}
	return p.Info(), nil
}

// Merge folds project other's statistics into project pid.
func (s *Service) Merge(c Customer, pid, other string) error {
	if err := check(c); err != nil {
		return s.Refuse(err)
	}
	if err := s.mergeProjects(c, pid, other); err != nil {
		return s.Refuse(err)
	}
	s.LogChange(c, pid, "merge", s.rowsOf(c, pid), "from", other)
	return nil
}

// SetFrozen freezes project pid (learn, forget and merge into it are refused) or
// unfreezes it.
func (s *Service) SetFrozen(c Customer, pid string, frozen bool) error {
	if err := check(c); err != nil {
		return s.Refuse(err)
	}
	if err := s.setFrozen(c, pid, frozen); err != nil {
		return s.Refuse(err)
	}
	what := "unfreeze"
	if frozen {
		what = "freeze"
	}
	s.LogChange(c, pid, what, s.rowsOf(c, pid))
	return nil
}

// Export returns project pid's state and models in the store's encoding (what Import
// takes).
func (s *Service) Export(c Customer, pid string) ([]byte, error) {
	if err := check(c); err != nil {
		return nil, s.Refuse(err)
	}
	data, err := s.exportProject(c, pid)
	if err != nil {
		return nil, s.Refuse(err)
	}
	return data, nil
}

// Import makes project pid from data as Export encoded it, keeping its statistics, models
// and dates. Refusals: CONFLICT when pid exists; BAD_REQUEST when data does not decode or
// passes a limit.
func (s *Service) Import(c Customer, pid string, data []byte) error {
	if err := check(c); err != nil {
		return s.Refuse(err)
	}
	if err := s.importProject(c, pid, data); err != nil {
		return s.Refuse(err)
	}
	s.LogChange(c, pid, "import", s.rowsOf(c, pid), "bytes", len(data))
	return nil
}

// rowsOf is the rows of the customer's project pid now, for the log (0 when it is gone).
func (s *Service) rowsOf(c Customer, pid string) int64 {
	p, err := s.project(c, pid)
	if err != nil {
		return 0
	}
	return p.Rows()
}

// findProject is the customer's project pid, or its refusal.
func (s *Service) findProject(c Customer, pid string) (*model.Project, error) {
	if err := check(c); err != nil {
		return nil, s.Refuse(err)
	}
	p, err := s.project(c, pid)
	if err != nil {
		return nil, s.Refuse(err)
	}
	return p, nil
}
