package rpcapi

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// runPredict answers symscore.predict: one map per DataFrame row, {key: "value"}, the
// values written as the REST and WebSocket replies write them (numbers in shortest
// round-trip form, class names, "true"/"false", nil when not finite); a row skipped under
// errorHandling 1 is an empty map in its place.
func runPredict(w *work) error {
	c := w.c
	a := ops.PredictArgs{PID: c.pid, ModelID: c.modelID, Frame: c.frame}
	if c.isBin {
		a.Binary = &c.bin
	}
	if c.views {
		a.Plan = &w.s.plan
	}
	preds, err := w.svc().Predict(w.sc, c.cust, &a)
	if err != nil {
		return err
	}
	m := preds.Model()
	outs, classes := m.Outputs(), m.Classes()
	w.reserve(64 + preds.Rows()*(2+len(outs)*24))
	e := w.begin()
	e.Array(preds.Rows())
	var num [32]byte
	for i := range preds.Rows() {
		row, ok := preds.Row(i)
		if !ok {
			e.Map(0)
			e.End()
			continue
		}
		e.Map(len(outs))
		for j, o := range outs {
			e.Key(o.Key)
			v := row[j]
			switch {
			case o.Kind == model.OutputClass:
				if k := int(v); v == v && k >= 0 && k < len(classes) {
					e.Str(classes[k])
				} else {
					e.Nil()
				}
			case o.Kind == model.OutputBool && v == 1:
				e.Str("true")
			case o.Kind == model.OutputBool && v == 0:
				e.Str("false")
			case o.Kind == model.OutputBool || math.IsNaN(v) || math.IsInf(v, 0):
				e.Nil()
			default:
				e.StrBytes(strconv.AppendFloat(num[:0], v, 'g', -1, 64))
			}
		}
		e.End()
	}
	e.End()
	return w.end()
}

// runMatrix answers symscore.predict_matrix: {"keys":[...],"classes":[...],"rows":n,
// "data":<rows × keys float64, little-endian>}, a class as its index in classes, a
// boolean as 1 or 0. In 2.x the data is written straight into the reply; in 1.x it is an
// attachment.
func runMatrix(w *work) error {
	c := w.c
	c.mx.PID, c.mx.ModelID = c.pid, c.modelID
	if c.views {
		c.mx.Plan = &w.s.mplan
	}
	mx, err := w.svc().PredictMatrix(w.sc, c.cust, &c.mx)
	if err != nil {
		return err
	}
	m := mx.Model()
	outs, classes := m.Outputs(), m.Classes()
	vals := mx.Values()
	size := 8 * len(vals)
	names := 0
	for _, o := range outs {
		names += len(o.Key) + 5
	}
	for _, k := range classes {
		names += len(k) + 5
	}
	w.reserve(64 + names + size)
	e := w.begin()
	e.Map(4)
	e.Key("keys")
	e.Array(len(outs))
	for _, o := range outs {
		e.Str(o.Key)
	}
	e.End()
	e.Key("classes")
	e.Array(len(classes))
	for _, k := range classes {
		e.Str(k)
	}
	e.End()
	e.Key("rows")
	e.Int(int64(mx.Rows()))
	e.Key("data")
	if e.BinHeader(size) {
		e.SetBytes(appendFloats(e.Bytes(), vals))
	} else {
		start := len(c.memBuf())
		*c.mem = appendFloats(*c.mem, vals)
		e.Bin((*c.mem)[start:])
	}
	e.End()
	return w.end()
}

// appendFloats appends vals as float64 little-endian.
func appendFloats(dst []byte, vals []float64) []byte {
	for _, v := range vals {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	}
	return dst
}

// runBuild answers symscore.build when the model is built: its modelInfo, or the build's
// refusal. While it waits, the call holds no slot of limits.max_inflight (the build job
// has its own bound), and other calls go on; if the connection goes away, it stops
// waiting (the build finishes on its own).
func runBuild(w *work) error {
	c, svc := w.c, w.svc()
	id, err := svc.Build(c.cust, &ops.BuildArgs{PID: c.pid, Algo: c.algo, ModelID: c.modelID, Context: c.ctx, Replace: c.replace})
	if err != nil {
		return err
	}
	w.idle()
	js, err := svc.WaitJob(w.s.ctx, c.cust, id)
	if err != nil {
		if w.s.ctx.Err() != nil {
			return errGone
		}
		return err
	}
	if js.Status != protocol.StatusOK {
		return &ops.Refusal{Status: js.Status, Msg: js.Msg}
	}
	return runModelInfo(w)
}
