package ops

import (
	"context"
	"errors"
	"sync"

	"github.com/symscore/symscore/model"
)

// A build job works for one project: once that project is deleted nobody can read what
// the job would publish (publishing is refused, "cannot find project"), so deleting the
// project stops its jobs — waiting for a compute slot or building (model.BuildContext) —
// with that same refusal, and frees their slots for other work.

// buildStops are the stop functions of the running build jobs, by project. Its mutex is
// taken alone.
type buildStops struct {
	mu        sync.Mutex // guards byProject
	byProject map[*model.Project]map[*buildStop]struct{}
}

// buildStop stops one job; a pointer, so that the job can take its own out again.
type buildStop struct{ cancel context.CancelCauseFunc }

// add registers cancel as a stop of a job working for p; remove the returned handle when
// the job ends (or never started).
func (b *buildStops) add(p *model.Project, cancel context.CancelCauseFunc) *buildStop {
	h := &buildStop{cancel: cancel}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.byProject == nil {
		b.byProject = make(map[*model.Project]map[*buildStop]struct{})
	}
	set := b.byProject[p]
	if set == nil {
		set = make(map[*buildStop]struct{})
		b.byProject[p] = set
	}
	set[h] = struct{}{}
	return h
}

// remove forgets h, a handle add returned for p.
func (b *buildStops) remove(p *model.Project, h *buildStop) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if set := b.byProject[p]; set != nil {
		delete(set, h)
		if len(set) == 0 {
			delete(b.byProject, p)
		}
	}
}

// stop stops every job working for p, cause their context's cause.
func (b *buildStops) stop(p *model.Project, cause error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for h := range b.byProject[p] {
		h.cancel(cause)
	}
}

// running is the number of jobs registered for p (tests).
func (b *buildStops) running(p *model.Project) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.byProject[p])
}

// jobStopped is the outcome of a job whose context ended: the refusal of its deleted
// project when that was the cause, else errBuildStopped (shutdown).
func jobStopped(ctx context.Context) error {
	var nf *model.NotFoundError
	if cause := context.Cause(ctx); errors.As(cause, &nf) {
		return cause
	}
	return errBuildStopped
}
