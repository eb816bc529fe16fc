package server

import (
	"github.com/symscore/symscore/protocol"
)

// predict answers POST /projects/{pid}/predict/{modelId}[?impute=true], body a DataFrame:
// values.KSVSMap.values, one map per row, as the WebSocket endpoint. A missing input takes
// the project mean at build time; with impute=true, the model's regression of it on the
// inputs present (model.Model.Impute).
func (a *restAPI) predict(c *restCall) protocol.Status {
	var impute bool
	switch v := c.query.Get("impute"); v {
	case "", "false":
	case "true":
		impute = true
	default:
		return c.failf(protocol.StatusBadRequest, "impute must be true or false, not %s", quoteInput(v))
	}
	svc := a.svc
	p, err := svc.store.Project(c.m.cid, c.param(0))
	if err != nil {
		return c.fail(err)
	}
	m, err := p.FindModel(c.param(1))
	if err != nil {
		return c.fail(err)
	}
	f, err := c.wk.df.Parse(c.body, svc.frameOptions(true, p))
	if err != nil {
		svc.countFrameRefusal(err)
		return c.fail(err)
	}
	c.out = protocol.AppendEnvelopeOpen(c.out[:0], protocol.StatusOK, "OK")
	if c.out, err = c.wk.appendPredictions(c.out, m, f, impute, nil); err != nil {
		return c.fail(err)
	}
	c.out = protocol.AppendEnvelopeClose(c.out)
	svc.metrics.predicted.Add(float64(f.Rows))
	return protocol.StatusOK
}
