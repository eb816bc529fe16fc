package reply

import (
	"encoding/base64"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// DateLayout is how replies write dates: RFC 3339 in UTC with nanoseconds, always nine
// digits, so that dates compare as strings.
const DateLayout = "2006-01-02T15:04:05.000000000Z07:00"

// FormatDate writes t in DateLayout.
func FormatDate(t time.Time) string { return t.UTC().Format(DateLayout) }

// AppendList appends the OK reply of a project list: values.stringList.values.
func AppendList(dst []byte, ids []string) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = append(dst, `{"stringList":{"values":`...)
	dst = appendJSONStrings(dst, ids)
	return protocol.AppendEnvelopeClose(append(dst, "}}"...))
}

// AppendProjectInfo appends the OK reply of a project's info: values.smlInfo.
func AppendProjectInfo(dst []byte, info model.ProjectInfo) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = append(dst, `{"smlInfo":`...)
	dst = appendProjectInfo(dst, info)
	return protocol.AppendEnvelopeClose(append(dst, '}'))
}

// AppendProjectInfoValue appends the smlInfo object alone (the RPC endpoint's result).
func AppendProjectInfoValue(dst []byte, info model.ProjectInfo) []byte {
	return appendProjectInfo(dst, info)
}

// appendProjectInfo appends the smlInfo object. Lists are [] when empty; rows is a number,
// frozen a boolean, dates strings in DateLayout.
func appendProjectInfo(dst []byte, info model.ProjectInfo) []byte {
	o := openObject(dst)
	o.str("pid", info.PID)
	o.str("type", info.Type)
	o.strs("attributeNames", info.AttributeNames)
	o.strs("attributeTypes", info.AttributeTypes)
	o.strs("modelsList", info.ModelsList)
	o.strs("modelTypeList", info.ModelTypeList)
	o.str("partitionColumn", info.PartitionColumn)
	o.int("rows", info.Rows)
	o.bool("frozen", info.Frozen)
	o.str("creationDate", FormatDate(info.CreationDate))
	o.str("lastModificationDate", FormatDate(info.LastModificationDate))
	return o.close()
}

// AppendModelInfo appends the OK reply of a model's info: values.modelInfo.
func AppendModelInfo(dst []byte, mi model.ModelInfo) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = append(dst, `{"modelInfo":`...)
	dst = appendModelInfo(dst, mi)
	return protocol.AppendEnvelopeClose(append(dst, '}'))
}

// AppendModelInfoValue appends the modelInfo object alone (the RPC endpoint's result).
func AppendModelInfoValue(dst []byte, mi model.ModelInfo) []byte { return appendModelInfo(dst, mi) }

// appendModelInfo appends the modelInfo object (docs/models.md "Model info"):
//
//	modelId, modelType         strings
//	attributeNames             the inputs, model order; attributeIndexes their project
//	                           indexes at build time
//	targetNames, predictInfo   strings (predictInfo: the prediction keys, reply order)
//	buildTime                  milliseconds, a number
//	creationDate               DateLayout
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
	o.str("creationDate", FormatDate(mi.CreationDate))
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

// AppendExplore appends the OK reply of an exploration: values.KSVDMap.values, one map of
// numbers per MLContext, in order (non-finite numbers are null).
func AppendExplore(dst []byte, results [][]model.Stat) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = protocol.AppendKSVDMapOpen(dst)
	dst = appendExploreMaps(dst, results)
	return protocol.AppendEnvelopeClose(protocol.AppendKSVDMapClose(dst))
}

// AppendExploreValues appends the maps of an exploration alone, as a JSON array (the RPC
// endpoint's result).
func AppendExploreValues(dst []byte, results [][]model.Stat) []byte {
	return append(appendExploreMaps(append(dst, '['), results), ']')
}

// appendExploreMaps appends one map of numbers per MLContext, comma-separated.
func appendExploreMaps(dst []byte, results [][]model.Stat) []byte {
	for i, stats := range results {
		if i > 0 {
			dst = append(dst, ',')
		}
		o := openObject(dst)
		for _, s := range stats {
			o.num(s.Key, s.Value)
		}
		dst = o.close()
	}
	return dst
}

// AppendExport appends the OK reply of an export: values.projectState, the Base64
// (standard, padded) of the project's encoding.
func AppendExport(dst []byte, state []byte) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = append(dst, `{"projectState":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, state)
	return protocol.AppendEnvelopeClose(append(dst, `"}`...))
}
