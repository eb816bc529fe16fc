package server

import (
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// modelInfo answers GET /projects/{pid}/models/{modelId}: values.modelInfo.
func (a *restAPI) modelInfo(c *restCall) protocol.Status {
	p, err := a.svc.store.Project(c.m.cid, c.param(0))
	if err != nil {
		return c.fail(err)
	}
	m, err := p.FindModel(c.param(1))
	if err != nil {
		return c.fail(err)
	}
	c.out = protocol.AppendEnvelopeOpen(c.out[:0], protocol.StatusOK, "OK")
	c.out = append(c.out, `{"modelInfo":`...)
	c.out = appendModelInfo(c.out, m.Info())
	c.out = protocol.AppendEnvelopeClose(append(c.out, '}'))
	return protocol.StatusOK
}

// modelDelete answers DELETE /projects/{pid}/models/{modelId}.
func (a *restAPI) modelDelete(c *restCall) protocol.Status {
	if err := a.svc.store.DeleteModel(c.m.cid, c.param(0), c.param(1)); err != nil {
		return c.fail(err)
	}
	return c.ok()
}

// appendModelInfo appends the modelInfo object (STATISTICS.md "Model info"):
//
//	modelId, modelType         strings
//	attributeNames             the inputs, model order; attributeIndexes their project
//	                           indexes at build time
//	targetNames, predictInfo   strings (predictInfo: the prediction keys, reply order)
//	buildTime                  milliseconds, a number
//	creationDate               restDateLayout
//	rows                       rows the model was fitted on
//	classes                    class names of a classifier ([] for a regression)
//	info                       every parameter, extra and fitted: name → array of numbers
//	coefficients               mlr and ridge: one object per row, intercept first, with
//	                           name, coefficient, std.error, t, p, ci.low, ci.high
//	fitStatistics              mlr and ridge: n, dfModel, dfResid, ssr, sigma2, r2, adjR2,
//	                           f, fP, logLik, aic, bic
//
// Non-finite numbers are null.
func appendModelInfo(dst []byte, mi model.ModelInfo) []byte {
	o := openObject(dst)
	o.str("modelId", mi.ModelID)
	o.str("modelType", mi.ModelType)
	o.strs("attributeNames", mi.AttributeNames)
	o.ints("attributeIndexes", mi.AttributeIndexes)
	o.strs("targetNames", mi.TargetNames)
	o.strs("predictInfo", mi.PredictInfo)
	o.num("buildTime", float64(mi.BuildTime.Nanoseconds())/1e6)
	o.str("creationDate", formatRESTDate(mi.CreationDate))
	o.int("rows", mi.Rows)
	o.strs("classes", mi.Classes)
	info := o.object("info")
	for _, p := range mi.Params {
		info.nums(p.Name, p.Values)
	}
	o.end(info.close())
	if len(mi.Coefficients) > 0 {
		o.key("coefficients")
		o.b = append(o.b, '[')
		for i, row := range mi.Coefficients {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			r := openObject(o.b)
			r.str("name", row.Name)
			r.num("coefficient", row.Coef)
			r.num("std.error", row.StdErr)
			r.num("t", row.T)
			r.num("p", row.P)
			r.num("ci.low", row.CILow)
			r.num("ci.high", row.CIHigh)
			o.b = r.close()
		}
		o.b = append(o.b, ']')
	}
	if f := mi.Fit; f != nil {
		fs := o.object("fitStatistics")
		fs.int("n", f.N)
		fs.num("dfModel", f.DFModel)
		fs.num("dfResid", f.DFResid)
		fs.num("ssr", f.SSR)
		fs.num("sigma2", f.Sigma2)
		fs.num("r2", f.R2)
		fs.num("adjR2", f.AdjR2)
		fs.num("f", f.F)
		fs.num("fP", f.FP)
		fs.num("logLik", f.LogLik)
		fs.num("aic", f.AIC)
		fs.num("bic", f.BIC)
		o.end(fs.close())
	}
	return o.close()
}
