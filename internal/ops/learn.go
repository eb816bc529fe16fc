package ops

import "github.com/symscore/symscore/dataframe"

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

// LearnBinary is Learn of a binary DataFrame (C and B columns, float64 values).
func (s *Service) LearnBinary(sc *Scratch, c Customer, pid string, b *dataframe.Binary) (LearnResult, error) {
	return s.changeFrame(sc, c, pid, nil, b, false)
}

// ForgetBinary is Forget of a binary DataFrame.
func (s *Service) ForgetBinary(sc *Scratch, c Customer, pid string, b *dataframe.Binary) (LearnResult, error) {
	return s.changeFrame(sc, c, pid, nil, b, true)
}

func (s *Service) change(sc *Scratch, c Customer, pid string, frame []byte, forget bool) (LearnResult, error) {
	return s.changeFrame(sc, c, pid, frame, nil, forget)
}

// changeFrame learns or forgets the DataFrame JSON frame, or the binary DataFrame bin when
// it is not nil.
func (s *Service) changeFrame(sc *Scratch, c Customer, pid string, frame []byte, bin *dataframe.Binary, forget bool) (LearnResult, error) {
	p, err := s.findProject(c, pid)
	if err != nil {
		return LearnResult{}, err
	}
	f, err := sc.parseFrame(frame, bin, s.frameOptions(false, p.PartitionColumn()))
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
