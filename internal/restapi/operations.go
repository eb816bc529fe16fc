package restapi

import (
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/reply"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// Each operation decodes its query and body, calls one ops method and encodes the reply.

func (h *Handler) dispatch(c *call) protocol.Status {
	svc, cust := h.svc, c.cust
	switch c.m.op {
	case opCreate:
		return h.create(c)
	case opList:
		ids, err := svc.List(cust)
		if err != nil {
			return c.refuse(svc.Refuse(err))
		}
		c.out = reply.AppendList(c.out[:0], ids)
		return protocol.StatusOK
	case opInfo:
		info, err := svc.Info(cust, c.param(0))
		if err != nil {
			return c.refuse(svc.Refuse(err))
		}
		c.out = reply.AppendProjectInfo(c.out[:0], info)
		return protocol.StatusOK
	case opDelete:
		return c.done(svc, svc.Delete(cust, c.param(0)))
	case opLearn, opForget:
		change, what := svc.Learn, "learn"
		if c.m.op == opForget {
			change, what = svc.Forget, "forget"
		}
		res, err := change(c.sc, cust, c.param(0), c.body)
		if err != nil {
			return c.refuse(svc.Refuse(err))
		}
		svc.LogChange(cust, c.param(0), what, int64(res.Applied))
		c.out = reply.AppendLearn(c.out[:0], res)
		return protocol.StatusOK
	case opBuild:
		return h.build(c)
	case opJob:
		js, err := svc.Job(cust, c.param(0))
		if err != nil {
			return c.refuse(svc.Refuse(err))
		}
		c.out = reply.AppendJob(c.out[:0], js)
		return js.Status
	case opModelInfo:
		mi, err := svc.ModelInfo(cust, c.param(0), c.param(1))
		if err != nil {
			return c.refuse(svc.Refuse(err))
		}
		c.out = reply.AppendModelInfo(c.out[:0], mi)
		return protocol.StatusOK
	case opModelDelete:
		return c.done(svc, svc.DeleteModel(cust, c.param(0), c.param(1)))
	case opPredict:
		return h.predict(c)
	case opExplore:
		return h.explore(c)
	case opMerge:
		other := c.query.Get("otherProjectName")
		if other == "" {
			return c.failf(protocol.StatusBadRequest, `missing query parameter "otherProjectName", the project to merge from`)
		}
		return c.done(svc, svc.Merge(cust, c.param(0), other))
	case opFreeze, opUnfreeze:
		return c.done(svc, svc.SetFrozen(cust, c.param(0), c.m.op == opFreeze))
	case opExport:
		data, err := svc.Export(cust, c.param(0))
		if err != nil {
			return c.refuse(svc.Refuse(err))
		}
		c.out = reply.AppendExport(c.out[:0], data)
		return protocol.StatusOK
	case opImport:
		return h.importProject(c)
	case opUploadAnnounce:
		return h.announce(c)
	case opUploadList:
		list, err := svc.Uploads(cust)
		if err != nil {
			return c.refuse(svc.Refuse(err))
		}
		c.out = reply.AppendUploads(c.out[:0], list)
		return protocol.StatusOK
	case opUploadInfo:
		st, err := svc.Upload(cust, c.param(0))
		if err != nil {
			return c.refuse(svc.Refuse(err))
		}
		c.out = reply.AppendUpload(c.out[:0], st)
		return protocol.StatusOK
	case opUploadDelete:
		return c.done(svc, svc.DeleteUpload(cust, c.param(0)))
	case opUploadFinalize:
		return h.finalize(c)
	}
	return c.noRoute()
}

// done answers an operation that returns nothing but its refusal: OK, or the refusal.
func (c *call) done(svc *ops.Service, err error) protocol.Status {
	if err != nil {
		return c.refuse(svc.Refuse(err))
	}
	return c.ok()
}

// create makes a project: POST /projects?pid=&type=cpu|partition, body a flat JSON map of
// strings (empty: no parameters). 201 CREATED; 409 if it exists.
func (h *Handler) create(c *call) protocol.Status {
	pid := c.query.Get("pid")
	if pid == "" {
		return c.failf(protocol.StatusBadRequest, `missing query parameter "pid", the project id`)
	}
	params, err := ops.ParseProjectParams(c.body)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	if err := h.svc.Create(c.cust, pid, c.query.Get("type"), params); err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	c.out = reply.AppendStatus(c.out[:0], protocol.StatusCreated, "CREATED")
	return protocol.StatusCreated
}

// build starts a build job: POST /projects/{pid}/build?algo=&modelid=[&replace=true], body
// an MLContext. What can be checked without building is refused at once: algo known,
// modelid present and a valid id, replace true or false, the MLContext parses, the project
// exists (400); a model of that id exists and replace is not true, or a build of it is
// running (409). Then the reply is 202 with Location and sym-job-id; GET /jobs/{id}
// reports the outcome.
func (h *Handler) build(c *call) protocol.Status {
	algo, modelID := c.query.Get("algo"), c.query.Get("modelid")
	if algo == "" {
		return c.failf(protocol.StatusBadRequest, `missing query parameter "algo" (%s)`, strings.Join(model.Algorithms(), ", "))
	}
	if err := ops.CheckAlgorithm(algo); err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	if modelID == "" {
		return c.failf(protocol.StatusBadRequest, `missing query parameter "modelid", the id of the model to build`)
	}
	if err := h.svc.CheckModelID(modelID); err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	replace, ok := c.boolQuery("replace")
	if !ok {
		return c.failf(protocol.StatusBadRequest, "replace must be true or false, not %s", ops.QuoteInput(c.query.Get("replace")))
	}
	ctx, err := model.ParseMLContext(c.body)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	id, err := h.svc.Build(c.cust, &ops.BuildArgs{PID: c.param(0), Algo: algo, ModelID: modelID, Context: ctx, Replace: replace})
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	return c.accepted(id)
}

// accepted answers a request that started job id: 202 with the job's Location and
// sym-job-id.
func (c *call) accepted(id string) protocol.Status {
	hd := c.w.Header()
	hd.Set("Location", restPrefix+url.PathEscape(c.m.cid)+"/jobs/"+id)
	hd.Set("sym-job-id", id)
	c.out = reply.AppendStatus(c.out[:0], protocol.StatusAccepted, "ACCEPTED")
	return protocol.StatusAccepted
}

// boolQuery reads query parameter name: absent or "false" is false, "true" is true; ok is
// false for anything else.
func (c *call) boolQuery(name string) (v, ok bool) {
	switch c.query.Get(name) {
	case "", "false":
		return false, true
	case "true":
		return true, true
	}
	return false, false
}

// predict answers POST /projects/{pid}/predict/{modelId}[?impute=true], body a DataFrame.
func (h *Handler) predict(c *call) protocol.Status {
	impute, ok := c.boolQuery("impute")
	if !ok {
		return c.failf(protocol.StatusBadRequest, "impute must be true or false, not %s", ops.QuoteInput(c.query.Get("impute")))
	}
	preds, err := h.svc.Predict(c.sc, c.cust, &ops.PredictArgs{PID: c.param(0), ModelID: c.param(1), Frame: c.body, Impute: impute})
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	c.out = reply.AppendPredictions(c.out[:0], preds, nil)
	return protocol.StatusOK
}

// explore answers POST /projects/{pid}/explore?metric=, body {"values":[MLContext,...]}.
func (h *Handler) explore(c *call) protocol.Status {
	metric := c.query.Get("metric")
	if metric == "" {
		return c.failf(protocol.StatusBadRequest, `missing query parameter "metric" (uni, bi, anova, ttest, chi2, pca)`)
	}
	ctxs, err := parseExploreContexts(c.body)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	results, err := h.svc.Explore(c.r.Context(), c.cust, c.param(0), metric, ctxs)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	c.out = reply.AppendExplore(c.out[:0], results)
	return protocol.StatusOK
}

// parseExploreContexts parses {"values":[MLContext,...]}: one to ops.MaxExploreContexts
// contexts.
func parseExploreContexts(body []byte) ([]model.MLContext, error) {
	var p fastjson.Parser
	o, err := ops.ParseObject(&p, body, "exploration request", `an object {"values":[MLContext,...]}`, "values")
	if err != nil {
		return nil, err
	}
	list := o.Get("values")
	if list == nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, `exploration request has no "values" list of MLContexts`)
	}
	items, err := list.Array()
	if err != nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, `exploration "values" must be an array of MLContexts, not %s`, list.Type())
	}
	return ops.ParseMLContexts(items, `exploration "values"`)
}

// parseImport reads an import body, {"projectState":"<Base64>"}, and returns the state.
func parseImport(body []byte) ([]byte, error) {
	const shape = `{"projectState":"<Base64 of an export>"}`
	var p fastjson.Parser
	o, err := ops.ParseObject(&p, body, "import request", shape, "projectState")
	if err != nil {
		return nil, err
	}
	state := o.Get("projectState")
	if state == nil || state.Type() != fastjson.TypeString {
		return nil, protocol.Errorf(protocol.StatusBadRequest, "import request must be %s", shape)
	}
	text := state.GetStringBytes()
	data := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(data, text)
	if err != nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, "projectState is not valid Base64: %v", err)
	}
	return data[:n], nil
}

// importProject answers POST /projects/{pid}/import, body {"projectState":"<Base64>"} as
// export wrote it: the project is made under pid (201), keeping its statistics, models and
// dates. 409 if pid exists; 400 if the state does not decode.
func (h *Handler) importProject(c *call) protocol.Status {
	data, err := parseImport(c.body)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	if err := h.svc.Import(c.cust, c.param(0), data); err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	c.out = reply.AppendStatus(c.out[:0], protocol.StatusCreated, "CREATED")
	return protocol.StatusCreated
}
