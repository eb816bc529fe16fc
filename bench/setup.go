package bench

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/symscore/symscore/client"
)

// Setup defaults.
const (
	DefaultSetupRows = 150
	// setupTimeout bounds the whole setup, model build included.
	setupTimeout = 60 * time.Second
)

// SetupConfig describes the project a predict or learn run needs.
type SetupConfig struct {
	// Client is symscore's client for the customer that runs the bench (client.New with
	// the base URL, customer and secret; HTTPBase turns a ws:// URL into the base).
	Client *client.Client
	// Project is created as a "cpu" project if it does not exist.
	Project string
	// Model, when not empty, is built after learning: LDA of Iris_setosa on the four
	// measures, the model PredictPayload is scored with.
	Model string
	// Rows of LearnPayload learned (default DefaultSetupRows; -1: none).
	Rows int
}

// Setup prepares symscore for a bench run through package client (docs/protocol.md
// section 2): it creates the project (an existing one is kept), learns cfg.Rows iris-like
// rows, and builds cfg.Model, waiting for the build job to finish.
func Setup(ctx context.Context, cfg SetupConfig) error {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	c := cfg.Client
	if c == nil || cfg.Project == "" {
		return errors.New("bench: setup needs a client and a project")
	}
	if cfg.Rows == 0 {
		cfg.Rows = DefaultSetupRows
	}
	err := c.CreateProject(ctx, cfg.Project, "cpu", nil)
	var se *client.StatusError
	if err != nil && !(errors.As(err, &se) && se.Status == client.StatusConflict) {
		return fmt.Errorf("bench: setup create project: %w", err)
	}
	if cfg.Rows > 0 {
		if _, err := c.Learn(ctx, cfg.Project, LearnPayload(cfg.Rows, 42)); err != nil {
			return fmt.Errorf("bench: setup learn: %w", err)
		}
	}
	if cfg.Model == "" {
		return nil
	}
	mc := client.MLContext{
		Targets: []string{"Iris_setosa"},
		Inputs:  []string{"sepal_length", "sepal_width", "petal_length", "petal_width"},
	}
	if err := c.Build(ctx, cfg.Project, "lda", cfg.Model, mc); err != nil {
		return fmt.Errorf("bench: setup build: %w", err)
	}
	return nil
}

// HTTPBase turns a symscore URL (ws://host:port/..., wss://, http://, https://) into the
// base URL of its REST API, http://host:port (or https://).
func HTTPBase(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("bench: bad url %q: %w", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "ws", "http":
		u.Scheme = "http"
	case "wss", "https":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("bench: url %q: scheme must be ws, wss, http or https", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("bench: url %q has no host", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}
