package server

import (
	"errors"
	"fmt"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// maxExploreContexts bounds the MLContexts of one exploration request.
const maxExploreContexts = 64

// explore answers POST /projects/{pid}/explore?metric=, body {"values":[MLContext,...]}:
// values.KSVDMap.values, one map of numbers per MLContext, in order (STATISTICS.md section
// 4), all computed on one snapshot of the project. A refused context refuses the request,
// its message prefixed by its position ("values[2]: ...").
func (a *restAPI) explore(c *restCall) protocol.Status {
	metric := c.query.Get("metric")
	if metric == "" {
		return c.failf(protocol.StatusBadRequest, `missing query parameter "metric" (uni, bi, anova, ttest, chi2, pca)`)
	}
	ctxs, err := parseExploreContexts(c.body)
	if err != nil {
		return c.fail(err)
	}
	p, err := a.svc.store.Project(c.m.cid, c.param(0))
	if err != nil {
		return c.fail(err)
	}
	snap := p.Snapshot()
	c.out = protocol.AppendEnvelopeOpen(c.out[:0], protocol.StatusOK, "OK")
	c.out = protocol.AppendKSVDMapOpen(c.out)
	for i, ctx := range ctxs {
		stats, err := model.Explore(snap, metric, ctx)
		if err != nil {
			var me *model.Error
			if errors.As(err, &me) {
				err = &model.Error{Msg: fmt.Sprintf("values[%d]: %s", i, me.Msg), Err: me.Err} // the limit is counted
			}
			return c.fail(err)
		}
		if i > 0 {
			c.out = append(c.out, ',')
		}
		o := openObject(c.out)
		for _, s := range stats {
			o.num(s.Key, s.Value)
		}
		c.out = o.close()
	}
	c.out = protocol.AppendEnvelopeClose(protocol.AppendKSVDMapClose(c.out))
	return protocol.StatusOK
}

// parseExploreContexts parses {"values":[MLContext,...]}: one to maxExploreContexts
// contexts.
func parseExploreContexts(body []byte) ([]model.MLContext, error) {
	var p fastjson.Parser
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, "exploration request is not valid JSON: %v", err)
	}
	if v.Type() != fastjson.TypeObject {
		return nil, protocol.Errorf(protocol.StatusBadRequest, `exploration request must be an object {"values":[MLContext,...]}, not %s`, v.Type())
	}
	list := v.Get("values")
	if list == nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, `exploration request has no "values" list of MLContexts`)
	}
	items, err := list.Array()
	if err != nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, `exploration "values" must be an array of MLContexts, not %s`, list.Type())
	}
	switch {
	case len(items) == 0:
		return nil, protocol.Errorf(protocol.StatusBadRequest, `exploration "values" holds no MLContext`)
	case len(items) > maxExploreContexts:
		return nil, protocol.Errorf(protocol.StatusBadRequest, `exploration "values" holds %d MLContexts, at most %d`, len(items), maxExploreContexts)
	}
	ctxs := make([]model.MLContext, len(items))
	var buf []byte
	for i, it := range items {
		buf = it.MarshalTo(buf[:0])
		if ctxs[i], err = model.ParseMLContext(buf); err != nil {
			var me *model.Error
			if errors.As(err, &me) {
				err = protocol.Errorf(protocol.StatusBadRequest, "values[%d]: %s", i, me.Msg)
			}
			return nil, err
		}
	}
	return ctxs, nil
}
