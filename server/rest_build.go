package server

import (
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// buildAlgos are the algorithms of model.Build (STATISTICS.md section 3), checked before a
// job starts; rest_build_test.go pins the list against the model package.
var buildAlgos = []string{"lda", "mlda", "mqda", "bayes", "mlr", "ridge", "lasso", "elasticnet"}

func knownAlgo(algo string) bool {
	for _, a := range buildAlgos {
		if a == algo {
			return true
		}
	}
	return false
}

// build starts a build job: POST /projects/{pid}/build?algo=&modelid=, body an MLContext.
// What can be checked without building is checked here and refused at once (400): algo
// known, modelid present and a valid id (model.CheckModelID), the MLContext parses, the
// project exists. Then the job starts and the reply is 202 with Location and sym-job-id;
// GET /jobs/{id} reports the outcome: everything else (attributes, parameters, a
// singular matrix) is the job's refusal.
func (a *restAPI) build(c *restCall) protocol.Status {
	cid, pid := c.m.cid, c.param(0)
	algo, modelID := c.query.Get("algo"), c.query.Get("modelid")
	switch {
	case algo == "":
		return c.failf(protocol.StatusBadRequest, `missing query parameter "algo" (%s)`, strings.Join(buildAlgos, ", "))
	case !knownAlgo(algo):
		return c.failf(protocol.StatusBadRequest, "unknown algorithm %s (known: %s)", quoteInput(algo), strings.Join(buildAlgos, ", "))
	case modelID == "":
		return c.failf(protocol.StatusBadRequest, `missing query parameter "modelid", the id of the model to build`)
	}
	if err := model.CheckModelID(modelID, a.svc.cfg.Limits.MaxNameBytes); err != nil {
		return c.fail(err)
	}
	ctx, err := model.ParseMLContext(c.body)
	if err != nil {
		return c.fail(err)
	}
	p, err := a.svc.store.Project(cid, pid)
	if err != nil {
		return c.fail(err)
	}
	id, err := a.jobs.start(cid, func() (protocol.Status, string) {
		st, msg := a.runBuild(cid, p, algo, modelID, ctx)
		a.metrics.buildDone(algo, st == protocol.StatusOK)
		return st, msg
	})
	if err != nil {
		if err == errTooManyBuilds {
			a.refused.builds.Inc()
		}
		return c.fail(err)
	}
	h := c.w.Header()
	h.Set("Location", restPrefix+url.PathEscape(cid)+"/jobs/"+id)
	h.Set("sym-job-id", id)
	c.out = protocol.AppendReply(c.out[:0], protocol.StatusAccepted, "ACCEPTED")
	return protocol.StatusAccepted
}

// runBuild is one build job on project p, the one the request named: its statistics as
// they are when the job runs, model.Build, then store.PutModelInto p (which replaces a model
// of the same id). A project deleted meanwhile refuses the model ("cannot find project"),
// also when another of the same id was created since. It returns the job's outcome: OK,
// or the refusal's status and message. A panic is logged with its stack and reported as an
// internal error: one bad build must not stop the server.
func (a *restAPI) runBuild(cid string, p *model.Project, algo, modelID string, ctx model.MLContext) (st protocol.Status, msg string) {
	defer func() {
		if v := recover(); v != nil {
			a.svc.log.Error("build panicked", "algo", algo, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			st, msg = protocol.StatusInternalServerError, "internal error"
		}
	}()
	if a.hooks.beforeBuild != nil {
		a.hooks.beforeBuild()
	}
	m, err := model.Build(p.Snapshot(), algo, modelID, ctx)
	if err == nil {
		err = a.svc.store.PutModelInto(cid, p, m)
	}
	if err != nil {
		return a.svc.status(err)
	}
	return protocol.StatusOK, "Job is finished"
}

// job answers GET /jobs/{id}: 202 "Job still running", 200 "Job is finished", or the failed
// build's status and reason. Another customer's job, an expired one and an unknown id are
// all 400 "cannot find job".
func (a *restAPI) job(c *restCall) protocol.Status {
	st, msg, ok := a.jobs.lookup(c.m.cid, c.param(0))
	if !ok {
		return c.failf(protocol.StatusBadRequest, "cannot find job")
	}
	c.out = protocol.AppendReply(c.out[:0], st, msg)
	return st
}
