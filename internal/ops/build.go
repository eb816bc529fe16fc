package ops

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/store"
)

// CheckAlgorithm refuses an algorithm model.Build does not know (BAD_REQUEST, naming the
// known ones).
func CheckAlgorithm(algo string) error {
	if !model.KnownAlgorithm(algo) {
		return protocol.Errorf(protocol.StatusBadRequest, "unknown algorithm %s (known: %s)", QuoteInput(algo), strings.Join(model.Algorithms(), ", "))
	}
	return nil
}

// CheckModelID refuses a model id that is not a valid id (model.CheckModelID, within
// limits.max_name_bytes), counted. (An empty one is the transport's to refuse: it says which
// parameter is missing.)
func (s *Service) CheckModelID(modelID string) error {
	if err := model.CheckModelID(modelID, s.maxNameBytes); err != nil {
		return s.Refuse(err)
	}
	return nil
}

// BuildArgs name a build.
type BuildArgs struct {
	PID, Algo, ModelID string
	// Context names the inputs, targets and parameters (model.ParseMLContext).
	Context model.MLContext
	// Replace lets the build replace a model of the same id. Without it, a model id the
	// project has already is refused (CONFLICT) before anything is built.
	Replace bool
}

// Build starts a job that builds model a.ModelID with a.Algo on project a.PID and returns
// the job's id (128 random bits). What can be checked without building is refused at once:
// the algorithm, the model id, the project, a model of that id when !a.Replace (CONFLICT),
// a build of that model already running (CONFLICT); everything else (attributes,
// parameters, a singular matrix) is the job's outcome (Job). The job reads the project's
// statistics as they are when it runs and publishes the model into that same project: a
// project deleted meanwhile refuses it ("cannot find project"), also when another of the
// same id was created since. A customer has at most MaxRunningBuilds jobs running. a is
// only read, and not kept.
func (s *Service) Build(c Customer, a *BuildArgs) (string, error) {
	if err := CheckAlgorithm(a.Algo); err != nil {
		return "", s.Refuse(err)
	}
	if err := s.CheckModelID(a.ModelID); err != nil {
		return "", err
	}
	p, err := s.findProject(c, a.PID)
	if err != nil {
		return "", err
	}
	if _, exists := p.Model(a.ModelID); exists && !a.Replace {
		return "", s.Refuse(errModelExists(a.PID, a.ModelID))
	}
	algo, modelID, replace, mc := a.Algo, a.ModelID, a.Replace, a.Context
	// Project and model ids hold no '/' (package ident): the key names one model.
	id, err := s.jobs.start(c.id, a.PID+"/"+a.ModelID, func() (protocol.Status, string) {
		st, msg := s.runBuild(c, p, algo, modelID, replace, mc)
		s.metrics.buildDone(algo, st == protocol.StatusOK)
		return st, msg
	})
	if errors.Is(err, errBuildRunning) {
		err = protocol.Errorf(protocol.StatusConflict, "model %s of project %s is being built; wait for that build's job",
			QuoteInput(a.ModelID), QuoteInput(a.PID))
	}
	if err != nil {
		return "", s.Refuse(err)
	}
	return id, nil
}

// errModelExists is the refusal of a build of a model id the project has, without replace.
func errModelExists(pid, modelID string) error {
	return protocol.Errorf(protocol.StatusConflict, "model %s of project %s exists; build with replace=true to replace it",
		QuoteInput(modelID), QuoteInput(pid))
}

// runBuild is one build job on project p: model.Build on its statistics as they are now,
// then the model published into p (replacing one of the same id when replace; without it,
// a model of that id published meanwhile refuses this one). It returns the job's outcome:
// OK, or the refusal's status and message. A panic is logged with its stack and reported
// as an internal error: one bad build must not stop the server.
func (s *Service) runBuild(c Customer, p *model.Project, algo, modelID string, replace bool, ctx model.MLContext) (st protocol.Status, msg string) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("build panicked", "cid", c.id, "pid", p.ID(), "model", modelID, "algo", algo,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			st, msg = protocol.StatusInternalServerError, "internal error"
		}
	}()
	if s.before != nil {
		s.before()
	}
	start := time.Now()
	m, err := model.Build(p.Snapshot(), algo, modelID, ctx)
	switch {
	case err != nil:
	case replace:
		err = s.publishModel(c, p, m)
	default:
		err = s.addModel(c, p, m)
	}
	if err != nil {
		r := s.Refuse(err)
		s.log.Warn("build failed", "cid", c.id, "pid", p.ID(), "model", modelID, "algo", algo,
			"status", r.Status.String(), "reason", r.Msg)
		return r.Status, r.Msg
	}
	s.LogChange(c, p.ID(), "build", m.Rows(), "model", modelID, "algo", algo, "replace", replace, "took", time.Since(start))
	return protocol.StatusOK, "Job is finished"
}

// JobState is the state of a job: running (Status ACCEPTED, "Job still running"),
// finished (OK, "Job is finished"), or failed with the build's or finalize's refusal.
type JobState struct {
	Done   bool
	Status protocol.Status
	Msg    string
	// Progress is a running finalize's progress (nil for a build).
	Progress *JobProgress
	// Rows are a finished finalize's rows applied and skipped (nil for a build).
	Rows *JobRows
}

// JobProgress is how far a finalize job got: the bytes of the file read and the rows
// summarised by its learning pass, and the fraction of its whole work done (the type
// inference's pass, when the types are inferred, counts as much as the learning one), 0
// to 1; Phase is "inferring", "learning" or "applying".
type JobProgress struct {
	Bytes, Rows int64
	Fraction    float64
	Phase       string
}

// JobRows are the rows a finished finalize applied and skipped (errorHandling 1).
type JobRows struct {
	Applied, Skipped int64
}

// errNoJob is the refusal of a job id that is unknown, expired or another customer's.
var errNoJob = protocol.Errorf(protocol.StatusBadRequest, "cannot find job")

// Job returns the state of the customer's build job id. An unknown, expired or other
// customer's job is refused alike (BAD_REQUEST "cannot find job"). Finished jobs are kept
// for JobRetention (the last 256 per customer). On a cluster node, a job another node
// runs is read from the cluster's jobs bucket.
func (s *Service) Job(c Customer, id string) (JobState, error) {
	if err := check(c); err != nil {
		return JobState{}, s.Refuse(err)
	}
	st, _, ok := s.jobs.lookup(c.id, id)
	if ok {
		return st, nil
	}
	st, ok, err := s.jobs.remote(c.id, id)
	switch {
	case err != nil:
		return JobState{}, s.Refuse(fmt.Errorf("%w: %w", store.ErrUnavailable, err))
	case !ok:
		return JobState{}, s.Refuse(errNoJob)
	}
	return st, nil
}

// WaitJob waits until the customer's job id is done (or ctx ends) and returns its state.
func (s *Service) WaitJob(ctx context.Context, c Customer, id string) (JobState, error) {
	if err := check(c); err != nil {
		return JobState{}, s.Refuse(err)
	}
	_, done, ok := s.jobs.lookup(c.id, id)
	if !ok {
		return JobState{}, s.Refuse(errNoJob)
	}
	select {
	case <-done:
	case <-ctx.Done():
		return JobState{}, ctx.Err()
	}
	return s.Job(c, id)
}
