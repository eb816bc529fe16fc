package rpcapi

import (
	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/reply"
	"github.com/symscore/symscore/internal/wslink"
	"github.com/symscore/symscore/model"
)

// method is one RPC method: how its arguments are decoded (on the reader goroutine, into
// the call) and how it runs (on the call's goroutine, or inline).
type method struct {
	name string
	args string // its arguments, for messages
	// change: the call changes its project and runs in the project's lane, after the
	// changes to it that came before on the connection.
	change bool
	// inline: a small call may be answered on the reader goroutine (predictions).
	inline bool
	// conflict: the operation may refuse with CONFLICT (a project or model that exists,
	// a frozen project): its metric has that series from the start.
	conflict bool
	// topic: a subscribe or an unsubscribe (topics.go), applied on the reader goroutine;
	// it has no run.
	topic       bool
	unsubscribe bool
	label       string // its metric label (metricLabel)
	decode      func(c *call, a *args) error
	run         func(w *work) error
}

// methods are the RPC methods by name (docs/rpc.md 4).
var methods = map[string]*method{}

func init() {
	for _, m := range []*method{
		{name: "symscore.project.create", conflict: true, args: "pid, type, params", change: true, decode: decodeCreate, run: runCreate},
		{name: "symscore.project.delete", args: "pid", change: true, decode: decodePID, run: runDelete},
		{name: "symscore.project.info", args: "pid", decode: decodePID, run: runInfo},
		{name: "symscore.project.list", args: "none", decode: decodeNone, run: runList},
		{name: "symscore.learn", conflict: true, args: "pid, dataframe", change: true, decode: decodeFrame, run: runLearn},
		{name: "symscore.forget", conflict: true, args: "pid, dataframe", change: true, decode: decodeFrame, run: runForget},
		{name: "symscore.build", conflict: true, args: "pid, algo, modelId, mlcontext[, replace]", change: true, decode: decodeBuild, run: runBuild},
		{name: "symscore.model.info", args: "pid, modelId", decode: decodeModel, run: runModelInfo},
		{name: "symscore.model.delete", args: "pid, modelId", change: true, decode: decodeModel, run: runModelDelete},
		{name: "symscore.predict", args: "pid, modelId, dataframe", inline: true, decode: decodePredict, run: runPredict},
		{name: "symscore.predict_matrix", args: `pid, modelId, {"columns","rows","data"}`, inline: true, decode: decodeMatrix, run: runMatrix},
		{name: "symscore.explore", args: "pid, metric, [mlcontext, ...]", decode: decodeExplore, run: runExplore},
		{name: "symscore.subscribe", conflict: true, args: `pid, {"names":[...],"pairs":[...]}`, topic: true, decode: decodeTopic},
		{name: "symscore.unsubscribe", conflict: true, args: `pid, {"names":[...],"pairs":[...]}`, topic: true, unsubscribe: true, decode: decodeTopic},
	} {
		m.label = metricLabel(m.name)
		methods[m.name] = m
	}
}

func decodeNone(_ *call, a *args) error { return a.count(0, 0) }

func decodePID(c *call, a *args) error {
	if err := a.count(1, 1); err != nil {
		return err
	}
	return c.pidArg(a)
}

// decodeModel: pid, modelId.
func decodeModel(c *call, a *args) error { return decodeModelOf(c, a, 2) }

// decodeCreate: pid, type (a string, or nil for cpu), params (a map of strings, or nil).
func decodeCreate(c *call, a *args) error {
	if err := a.count(1, 3); err != nil {
		return err
	}
	if err := c.pidArg(a); err != nil {
		return err
	}
	if a.has(1) {
		typ, err := a.str(1, "the project type")
		if err != nil {
			return err
		}
		c.typ = string(typ)
	}
	if !a.has(2) {
		return nil
	}
	j, err := c.mapJSON(a, 2, "the project parameters")
	if err != nil {
		return err
	}
	c.params, err = ops.ParseProjectParams(j)
	return err
}

func decodeFrame(c *call, a *args) error {
	if err := a.count(2, 2); err != nil {
		return err
	}
	if err := c.pidArg(a); err != nil {
		return err
	}
	return c.frameArg(a, 1)
}

// decodeBuild: pid, algo, modelId, mlcontext, and optionally replace (a boolean: rebuild a
// model id the project has; without it that is CONFLICT, as REST's build without
// replace=true).
func decodeBuild(c *call, a *args) error {
	if err := a.count(4, 5); err != nil {
		return err
	}
	if a.has(4) {
		r, ok := a.list[4].Bool()
		if !ok {
			return badArgs(a.m, "args[4], replace, must be true or false, not %s", a.list[4].Kind())
		}
		c.replace = r
	}
	if err := c.pidArg(a); err != nil {
		return err
	}
	algo, err := a.str(1, "the algorithm")
	if err != nil {
		return err
	}
	id, err := a.str(2, "the model id")
	if err != nil {
		return err
	}
	c.algo, c.modelID = string(algo), string(id)
	j, err := c.mapJSON(a, 3, "the MLContext")
	if err != nil {
		return err
	}
	c.ctx, err = model.ParseMLContext(j)
	return err
}

func decodePredict(c *call, a *args) error {
	if err := decodeModelOf(c, a, 3); err != nil {
		return err
	}
	return c.frameArg(a, 2)
}

// decodeModelOf checks that there are n arguments and reads the first two: pid, modelId.
func decodeModelOf(c *call, a *args, n int) error {
	if err := a.count(n, n); err != nil {
		return err
	}
	if err := c.pidArg(a); err != nil {
		return err
	}
	id, err := a.str(1, "the model id")
	c.modelID = c.str(id)
	return err
}

// decodeMatrix: pid, modelId, {"columns":[names],"rows":n,"data":<float64 LE bytes>}.
func decodeMatrix(c *call, a *args) error {
	if err := decodeModelOf(c, a, 3); err != nil {
		return err
	}
	v, err := a.kind(2, wslink.KindMap, "the matrix")
	if err != nil {
		return err
	}
	c.ms, _ = v.AppendMembers(c.ms[:0])
	var seen [3]bool
	for _, m := range c.ms {
		k := -1
		switch string(m.Key) {
		case "columns":
			k = 0
			c.vs, _ = m.Val.AppendElems(c.vs[:0])
			if m.Val.Kind() != wslink.KindArray {
				return badArgs(a.m, `args[2].columns must be an array of column names, not %s`, m.Val.Kind())
			}
			c.mx.Columns = c.mx.Columns[:0]
			for i, e := range c.vs {
				s, ok := e.Str()
				if !ok {
					return badArgs(a.m, "args[2].columns[%d] must be a string, not %s", i, e.Kind())
				}
				c.mx.Columns = append(c.mx.Columns, c.keep(s))
			}
		case "rows":
			k = 1
			n, ok := m.Val.Int()
			if !ok || n < 0 || n > 1<<40 {
				return badArgs(a.m, "args[2].rows must be a whole number of rows")
			}
			c.mx.Rows = int(n)
		case "data":
			k = 2
			d, ok := m.Val.Bytes()
			if !ok {
				return badArgs(a.m, "args[2].data must be binary data (rows × columns float64, little-endian), not %s", m.Val.Kind())
			}
			c.mx.Data = d
		default:
			return badArgs(a.m, `args[2] has the unknown key %q; a matrix's keys are columns, rows, data`, clip(m.Key))
		}
		if seen[k] {
			return badArgs(a.m, "args[2].%s appears twice", m.Key)
		}
		seen[k] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return badArgs(a.m, `args[2] must be {"columns":[names],"rows":n,"data":<bytes>}`)
	}
	return nil
}

// decodeExplore: pid, metric, [mlcontext, ...].
func decodeExplore(c *call, a *args) error {
	if err := a.count(3, 3); err != nil {
		return err
	}
	if err := c.pidArg(a); err != nil {
		return err
	}
	metric, err := a.str(1, "the metric")
	if err != nil {
		return err
	}
	c.metric = string(metric)
	v, err := a.kind(2, wslink.KindArray, "the list of MLContexts")
	if err != nil {
		return err
	}
	j, err := c.json(v, a, 2)
	if err != nil {
		return err
	}
	var p fastjson.Parser
	list, err := p.ParseBytes(j)
	if err != nil {
		return err
	}
	c.ctxs, err = ops.ParseMLContexts(list.GetArray(), "args[2]")
	return err
}

// The runs: the operation, then the result. Results are the content of the REST reply's
// values (docs/rpc.md 4).

func runCreate(w *work) error {
	c := w.c
	return w.done(w.svc().Create(c.cust, c.pid, c.typ, c.params))
}

func runDelete(w *work) error { return w.done(w.svc().Delete(w.c.cust, w.c.pid)) }

func runInfo(w *work) error {
	info, err := w.svc().Info(w.c.cust, w.c.pid)
	if err != nil {
		return err
	}
	return w.resultJSON(func(dst []byte) []byte { return reply.AppendProjectInfoValue(dst, info) })
}

func runList(w *work) error {
	ids, err := w.svc().List(w.c.cust)
	if err != nil {
		return err
	}
	e := w.begin()
	e.Array(len(ids))
	for _, id := range ids {
		e.Str(id)
	}
	e.End()
	return w.end()
}

func runLearn(w *work) error  { return runChange(w, false) }
func runForget(w *work) error { return runChange(w, true) }

func runChange(w *work, forget bool) error {
	c, svc := w.c, w.svc()
	var res ops.LearnResult
	var err error
	switch {
	case c.isBin && forget:
		res, err = svc.ForgetBinary(w.sc, c.cust, c.pid, &c.bin)
	case c.isBin:
		res, err = svc.LearnBinary(w.sc, c.cust, c.pid, &c.bin)
	case forget:
		res, err = svc.Forget(w.sc, c.cust, c.pid, c.frame)
	default:
		res, err = svc.Learn(w.sc, c.cust, c.pid, c.frame)
	}
	if err != nil {
		return err
	}
	what := "learn"
	if forget {
		what = "forget"
	}
	svc.LogChange(c.cust, c.pid, what, int64(res.Applied))
	e := w.begin()
	if res.Counted {
		e.Map(2)
		e.Key("rowsApplied")
		e.Int(int64(res.Applied))
		e.Key("rowsSkipped")
		e.Int(int64(res.Skipped))
	} else {
		e.Map(0)
	}
	e.End()
	return w.end()
}

func runModelInfo(w *work) error {
	mi, err := w.svc().ModelInfo(w.c.cust, w.c.pid, w.c.modelID)
	if err != nil {
		return err
	}
	return w.resultJSON(func(dst []byte) []byte { return reply.AppendModelInfoValue(dst, mi) })
}

func runModelDelete(w *work) error {
	return w.done(w.svc().DeleteModel(w.c.cust, w.c.pid, w.c.modelID))
}

func runExplore(w *work) error {
	res, err := w.svc().Explore(w.s.ctx, w.c.cust, w.c.pid, w.c.metric, w.c.ctxs) // stops when the connection ends
	if err != nil {
		return err
	}
	return w.resultJSON(func(dst []byte) []byte { return reply.AppendExploreValues(dst, res) })
}
