package ops

import "github.com/symscore/symscore/model"

// ModelInfo describes model modelID of project pid and its fitted parameters.
func (s *Service) ModelInfo(c Customer, pid, modelID string) (model.ModelInfo, error) {
	p, err := s.findProject(c, pid)
	if err != nil {
		return model.ModelInfo{}, err
	}
	m, err := p.FindModel(modelID)
	if err != nil {
		return model.ModelInfo{}, s.Refuse(err)
	}
	return m.Info(), nil
}

// DeleteModel deletes model modelID of project pid.
func (s *Service) DeleteModel(c Customer, pid, modelID string) error {
	if err := check(c); err != nil {
		return s.Refuse(err)
	}
	if err := s.deleteModel(c, pid, modelID); err != nil {
		return s.Refuse(err)
	}
	s.LogChange(c, pid, "delete model", s.rowsOf(c, pid), "model", modelID)
	return nil
}
