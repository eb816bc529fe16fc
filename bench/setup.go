package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fastjson"
)

// Setup defaults.
const (
	DefaultSetupRows = 150
	// setupTimeout bounds the whole setup, model build included.
	setupTimeout = 60 * time.Second
	// setupPoll is the pause between two looks at a running build job.
	setupPoll = 20 * time.Millisecond
)

// SetupConfig describes the project a predict or learn run needs.
type SetupConfig struct {
	// BaseURL of symscore, e.g. http://127.0.0.1:8080 (a ws:// or wss:// URL is accepted and
	// turned into http:// or https://; its path is ignored).
	BaseURL string
	// CID is the customer; Signer signs for it.
	CID    string
	Signer Signer
	// Project is created as a "cpu" project if it does not exist.
	Project string
	// Model, when not empty, is built after learning: LDA of Iris_setosa on the four
	// measures, the model PredictPayload is scored with.
	Model string
	// Rows of LearnPayload learned (default DefaultSetupRows; -1: none).
	Rows int
	// Client is the HTTP client (default: one with a 10 s timeout).
	Client *http.Client
}

// Setup prepares symscore for a bench run over its REST API (PROTOCOL.md section 2): it
// creates the project (an existing one is kept), learns cfg.Rows iris-like rows, and builds
// cfg.Model, waiting for the build job to finish. Every request is signed.
func Setup(ctx context.Context, cfg SetupConfig) error {
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	base, err := httpBase(cfg.BaseURL)
	if err != nil {
		return err
	}
	if cfg.Signer == nil || cfg.CID == "" || cfg.Project == "" {
		return errors.New("bench: setup needs a signer, a customer id and a project")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Rows == 0 {
		cfg.Rows = DefaultSetupRows
	}
	s := setup{cfg: cfg, base: base}
	prefix := "/symetry/rest/" + url.PathEscape(cfg.CID) + "/projects"
	project := prefix + "/" + url.PathEscape(cfg.Project)

	q := url.Values{"pid": {cfg.Project}, "type": {"cpu"}}.Encode()
	code, _, body, err := s.do(ctx, http.MethodPost, prefix, q, []byte(`{}`))
	if err != nil {
		return err
	}
	if code != http.StatusCreated && code != http.StatusConflict {
		return s.unexpected("create project", code, body)
	}
	if cfg.Rows > 0 {
		code, _, body, err = s.do(ctx, http.MethodPost, project+"/learn", "", LearnPayload(cfg.Rows, 42))
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return s.unexpected("learn", code, body)
		}
	}
	if cfg.Model == "" {
		return nil
	}
	q = url.Values{"algo": {"lda"}, "modelid": {cfg.Model}}.Encode()
	mlContext := []byte(`{"targetAttributeNames":["Iris_setosa"],` +
		`"inputAttributeNames":["sepal_length","sepal_width","petal_length","petal_width"],"extraParameters":{}}`)
	code, hdr, body, err := s.do(ctx, http.MethodPost, project+"/build", q, mlContext)
	if err != nil {
		return err
	}
	switch code {
	case http.StatusOK:
		return nil
	case http.StatusAccepted:
		return s.waitJob(ctx, hdr.Get("Location"))
	}
	return s.unexpected("build", code, body)
}

type setup struct {
	cfg  SetupConfig
	base string
}

// waitJob polls a build job until it is finished.
func (s *setup) waitJob(ctx context.Context, location string) error {
	u, err := url.Parse(location)
	if err != nil || u.Path == "" {
		return fmt.Errorf("bench: build: bad job location %q", location)
	}
	for {
		code, _, body, err := s.do(ctx, http.MethodGet, u.Path, u.RawQuery, nil)
		if err != nil {
			return err
		}
		switch code {
		case http.StatusOK:
			return nil
		case http.StatusAccepted:
		default:
			return s.unexpected("build job", code, body)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench: build job: %w", ctx.Err())
		case <-time.After(setupPoll):
		}
	}
}

// do sends one signed request and returns the status, headers and body of the reply.
func (s *setup) do(ctx context.Context, method, path, rawQuery string, body []byte) (int, http.Header, []byte, error) {
	target := s.base + path
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	date, md5, sig := s.cfg.Signer.SignREST(method, path, rawQuery, body)
	req.Header.Set("Authorization", sig)
	req.Header.Set("sym-date", date)
	req.Header.Set("Content-MD5", md5)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Customer-ID", s.cfg.CID)
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("bench: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("bench: %s %s: %w", method, path, err)
	}
	return resp.StatusCode, resp.Header, b, nil
}

func (s *setup) unexpected(step string, code int, body []byte) error {
	msg := string(cut(body))
	if v, err := fastjson.ParseBytes(body); err == nil {
		msg = fmt.Sprintf("%s: %s", v.GetStringBytes("statusCode"), v.GetStringBytes("statusString"))
	}
	return fmt.Errorf("bench: setup %s: HTTP %d: %s", step, code, msg)
}

// httpBase turns ws://host:port/... into http://host:port.
func httpBase(raw string) (string, error) {
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
