package ops

// LearnResult is what a learn or forget applied.
type LearnResult struct {
	// Applied and Skipped count the rows applied and, under errorHandling 1, the rows
	// skipped as bad.
	Applied, Skipped int
	// Counted: the DataFrame asked for errorHandling 1, whose reply says the counts.
	Counted bool
}

// Learn adds the rows of the DataFrame JSON frame to project pid: all of them, or none
// with a refusal; under errorHandling 1, the good rows, skipping the bad. It allocates
// nothing after warm-up (with durability, the log's buffers are reused).
func (s *Service) Learn(sc *Scratch, c Customer, pid string, frame []byte) (LearnResult, error) {
	return s.change(sc, c, pid, frame, false)
}

// Forget removes the rows of frame from project pid, as Learn adds them: forget subtracts
// exactly what learn added.
func (s *Service) Forget(sc *Scratch, c Customer, pid string, frame []byte) (LearnResult, error) {
	return s.change(sc, c, pid, frame, true)
}

func (s *Service) change(sc *Scratch, c Customer, pid string, frame []byte, forget bool) (LearnResult, error) {
	p, err := s.findProject(c, pid)
	if err != nil {
		return LearnResult{}, err
	}
	f, err := sc.df.Parse(frame, s.frameOptions(false, p.PartitionColumn()))
	if err != nil {
		return LearnResult{}, s.Refuse(err)
	}
	if err := s.applyFrame(c, pid, f, forget); err != nil {
		return LearnResult{}, s.Refuse(err)
	}
	if forget {
		s.metrics.forgotten.Add(float64(f.Rows))
	} else {
		s.metrics.learned.Add(float64(f.Rows))
	}
	return LearnResult{Applied: f.Rows, Skipped: f.Skipped, Counted: f.ErrorHandling == 1}, nil
}
