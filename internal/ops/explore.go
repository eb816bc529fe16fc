package ops

import (
	"context"
	"errors"
	"fmt"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// MaxExploreContexts bounds the MLContexts of one exploration.
const MaxExploreContexts = 64

// Explore computes metric (uni, bi, anova, ttest, chi2, pca) for each MLContext on one
// snapshot of project pid: one list of statistics per context, in order. A refused
// context refuses the whole exploration, its message prefixed by its position
// ("values[2]: ...").
//
// It runs in a slot of the compute pool (compute.go), waiting for the customer's turn. ctx
// is the request's: when it ends (the client has gone), the exploration stops — while
// waiting, or before its next MLContext (each costs at most limits.max_explore_work) — and
// is refused with SERVICE_UNAVAILABLE.
func (s *Service) Explore(ctx context.Context, c Customer, pid, metric string, ctxs []model.MLContext) ([][]model.Stat, error) {
	switch {
	case len(ctxs) == 0:
		return nil, s.Refuse(protocol.Errorf(protocol.StatusBadRequest, "an exploration needs at least one MLContext"))
	case len(ctxs) > MaxExploreContexts:
		return nil, s.Refuse(protocol.Errorf(protocol.StatusBadRequest, "%d MLContexts, at most %d", len(ctxs), MaxExploreContexts))
	}
	p, err := s.findProject(c, pid)
	if err != nil {
		return nil, err
	}
	if err := s.acquireCompute(ctx, c, errClientGone); err != nil {
		return nil, err
	}
	defer s.compute.Release()
	if s.beforeExplore != nil {
		s.beforeExplore(c.id)
	}
	snap := p.Snapshot()
	out := make([][]model.Stat, len(ctxs))
	for i, mc := range ctxs {
		if ctx.Err() != nil {
			return nil, s.Refuse(errClientGone)
		}
		if out[i], err = model.Explore(snap, metric, mc); err != nil {
			return nil, s.Refuse(AtPosition(i, err))
		}
	}
	return out, nil
}

// AtPosition prefixes a model refusal with the position of the MLContext it concerns
// ("values[2]: ..."), keeping the sentinel it wraps (a refusal by a limit is counted);
// other errors are returned as they are.
func AtPosition(i int, err error) error {
	var me *model.Error
	if errors.As(err, &me) {
		return &model.Error{Msg: fmt.Sprintf("values[%d]: %s", i, me.Msg), Err: me.Err}
	}
	return err
}
