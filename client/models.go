package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Job is a build the server accepted and runs in the background.
type Job struct {
	ID       string // the sym-job-id header
	Location string // the job's path, from the Location header
}

// BuildOption changes how a build is asked for (Replace).
type BuildOption func(*buildOptions)

type buildOptions struct{ replace bool }

// Replace lets a build replace a model of the same id. Without it the server refuses to
// build a model id the project has (a *StatusError with status CONFLICT).
func Replace() BuildOption { return func(o *buildOptions) { o.replace = true } }

// StartBuild asks for model modelID of project pid with algorithm algo ("lda", "mlda",
// "mqda", "bayes", "mlr", "ridge", "lasso", "elasticnet"; docs/statistics.md 3) on the
// attributes of mc, and returns the job without waiting for it. A nil Job with a nil error
// means the server built the model at once. A model id the project has is refused
// (CONFLICT) unless opts hold Replace.
func (c *Client) StartBuild(ctx context.Context, pid, algo, modelID string, mc MLContext, opts ...BuildOption) (*Job, error) {
	var o buildOptions
	for _, f := range opts {
		f(&o)
	}
	q := query("algo", algo, "modelid", modelID)
	if o.replace {
		q += "&replace=true"
	}
	r, err := c.Call(ctx, "POST", "/projects/"+Escape(pid)+"/build", q, mc.AppendJSON(nil))
	if err != nil {
		return nil, err
	}
	if r.HTTPCode != 202 {
		return nil, nil
	}
	return c.jobOf(r)
}

// jobOf reads the job a 202 reply started: its Location (made relative to the client's
// base path) or, without one, its sym-job-id.
func (c *Client) jobOf(r *Reply) (*Job, error) {
	job := &Job{ID: r.Header.Get("sym-job-id"), Location: r.Header.Get("Location")}
	switch {
	case job.Location != "":
		u, err := url.Parse(job.Location)
		if err != nil || u.Path == "" {
			return nil, fmt.Errorf("job accepted with a bad Location %q", job.Location)
		}
		job.Location = u.EscapedPath()
		if c.basePath != "" && !strings.HasPrefix(job.Location, c.basePath+"/") {
			job.Location = c.basePath + job.Location
		}
	case job.ID != "":
		job.Location = c.restPath("/jobs/" + Escape(job.ID))
	default:
		return nil, errors.New("job accepted (202) without a Location or sym-job-id header")
	}
	return job, nil
}

// WaitJob polls job until it is no longer running: nil when it finished, the build's
// refusal as a *StatusError (e.g. BAD_REQUEST for a singular system) when it failed, or
// ctx's error when ctx ends first. The first poll comes after the client's minimum pause
// (WithJobPoll), the pause doubling up to its maximum.
func (c *Client) WaitJob(ctx context.Context, job *Job) error {
	pause := c.pollMin
	timer := time.NewTimer(pause)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("job %s still running: %w", job.Location, context.Cause(ctx))
		case <-timer.C:
		}
		r, err := c.send(ctx, "GET", job.Location, "", nil)
		if err != nil {
			return err
		}
		if r.HTTPCode != 202 {
			return nil
		}
		pause = min(2*pause, c.pollMax)
		timer.Reset(pause)
	}
}

// Build builds a model (StartBuild) and waits for its job (WaitJob). Bound it with ctx:
// it waits as long as ctx allows.
func (c *Client) Build(ctx context.Context, pid, algo, modelID string, mc MLContext, opts ...BuildOption) error {
	job, err := c.StartBuild(ctx, pid, algo, modelID, mc, opts...)
	if err != nil || job == nil {
		return err
	}
	return c.WaitJob(ctx, job)
}

// ModelInfo describes a model (values.modelInfo; docs/statistics.md 3). Numbers the server
// wrote as null (not finite) are NaN.
type ModelInfo struct {
	ModelID   string
	ModelType string
	// AttributeNames are the inputs, in model order; AttributeIndexes their project
	// indexes when the model was built.
	AttributeNames   []string
	AttributeIndexes []int
	TargetNames      []string
	// PredictInfo is the prediction keys, in reply order.
	PredictInfo []string
	// Classes are a classifier's class names (none for a regression).
	Classes []string
	// Rows is the number of rows the model was fitted on.
	Rows         int64
	BuildTime    time.Duration
	CreationDate string
	// Info holds every parameter, given and fitted, by name (e.g. "w", "inputMeans").
	Info map[string][]float64
	// Coefficients is the coefficient table of mlr and ridge, intercept first.
	Coefficients []Coefficient
	// FitStatistics of mlr and ridge: n, dfModel, dfResid, ssr, sigma2, r2, adjR2, f,
	// fP, logLik, aic, bic.
	FitStatistics map[string]float64
	// Raw is the whole modelInfo object as the server sent it.
	Raw json.RawMessage
}

// Coefficient is one row of a regression's coefficient table.
type Coefficient struct {
	Name                                       string
	Coefficient, StdError, T, P, CILow, CIHigh float64
}

// jfloat is a JSON number that may be null (NaN).
type jfloat float64

func (f *jfloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jfloat(nan())
		return nil
	}
	return json.Unmarshal(b, (*float64)(f))
}

// modelInfoJSON is modelInfo as the server writes it.
type modelInfoJSON struct {
	ModelID          string              `json:"modelId"`
	ModelType        string              `json:"modelType"`
	AttributeNames   []string            `json:"attributeNames"`
	AttributeIndexes []int               `json:"attributeIndexes"`
	TargetNames      []string            `json:"targetNames"`
	PredictInfo      []string            `json:"predictInfo"`
	Classes          []string            `json:"classes"`
	Rows             int64               `json:"rows"`
	BuildTime        jfloat              `json:"buildTime"` // milliseconds
	CreationDate     string              `json:"creationDate"`
	Info             map[string][]jfloat `json:"info"`
	Coefficients     []struct {
		Name     string `json:"name"`
		Coef     jfloat `json:"coefficient"`
		StdError jfloat `json:"std.error"`
		T        jfloat `json:"t"`
		P        jfloat `json:"p"`
		CILow    jfloat `json:"ci.low"`
		CIHigh   jfloat `json:"ci.high"`
	} `json:"coefficients"`
	FitStatistics map[string]jfloat `json:"fitStatistics"`
}

// ModelInfo returns the description of model modelID of project pid.
func (c *Client) ModelInfo(ctx context.Context, pid, modelID string) (*ModelInfo, error) {
	r, err := c.Call(ctx, "GET", "/projects/"+Escape(pid)+"/models/"+Escape(modelID), "", nil)
	if err != nil {
		return nil, err
	}
	raw, err := r.Object("modelInfo")
	if err != nil {
		return nil, err
	}
	var w modelInfoJSON
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, fmt.Errorf("reply values.modelInfo: %w", err)
	}
	mi := &ModelInfo{
		ModelID: w.ModelID, ModelType: w.ModelType,
		AttributeNames: w.AttributeNames, AttributeIndexes: w.AttributeIndexes,
		TargetNames: w.TargetNames, PredictInfo: w.PredictInfo, Classes: w.Classes,
		Rows: w.Rows, BuildTime: time.Duration(float64(w.BuildTime) * float64(time.Millisecond)),
		CreationDate: w.CreationDate, Raw: raw,
	}
	if w.Info != nil {
		mi.Info = make(map[string][]float64, len(w.Info))
		for k, vs := range w.Info {
			mi.Info[k] = floats(vs)
		}
	}
	for _, c := range w.Coefficients {
		mi.Coefficients = append(mi.Coefficients, Coefficient{c.Name, float64(c.Coef), float64(c.StdError),
			float64(c.T), float64(c.P), float64(c.CILow), float64(c.CIHigh)})
	}
	if w.FitStatistics != nil {
		mi.FitStatistics = make(map[string]float64, len(w.FitStatistics))
		for k, v := range w.FitStatistics {
			mi.FitStatistics[k] = float64(v)
		}
	}
	return mi, nil
}

func floats(vs []jfloat) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = float64(v)
	}
	return out
}

// DeleteModel deletes model modelID of project pid.
func (c *Client) DeleteModel(ctx context.Context, pid, modelID string) error {
	_, err := c.Call(ctx, "DELETE", "/projects/"+Escape(pid)+"/models/"+Escape(modelID), "", nil)
	return err
}

// Predict scores every row of the DataFrame payload with model modelID of project pid over
// REST: one Prediction per row. A missing or empty input is imputed with the project mean,
// or with impute by the model's regression of it on the inputs present. A Session
// (OpenPredict) is the faster way for many messages.
func (c *Client) Predict(ctx context.Context, pid, modelID string, payload []byte, impute bool) ([]Prediction, error) {
	r, err := c.PredictReply(ctx, pid, modelID, payload, impute)
	if err != nil {
		return nil, err
	}
	return r.Predictions()
}

// PredictReply is Predict returning the whole reply (Reply.PredictionKeys gives the keys
// in the server's order).
func (c *Client) PredictReply(ctx context.Context, pid, modelID string, payload []byte, impute bool) (*Reply, error) {
	q := ""
	if impute {
		q = "impute=true"
	}
	return c.Call(ctx, "POST", "/projects/"+Escape(pid)+"/predict/"+Escape(modelID), q, payload)
}

// Explore computes metric ("uni", "bi", "anova", "ttest", "chi2", "pca"; docs/statistics.md 4)
// for each MLContext: one Stats per context, in order.
func (c *Client) Explore(ctx context.Context, pid, metric string, mcs ...MLContext) ([]Stats, error) {
	body := []byte(`{"values":[`)
	for i, mc := range mcs {
		if i > 0 {
			body = append(body, ',')
		}
		body = mc.AppendJSON(body)
	}
	body = append(body, "]}"...)
	r, err := c.Call(ctx, "POST", "/projects/"+Escape(pid)+"/explore", query("metric", metric), body)
	if err != nil {
		return nil, err
	}
	return r.Statistics()
}
