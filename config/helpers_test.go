package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testSecret is the secret of the protocol's known-answer vector.
const testSecret = "A1ciUrDJgm5LIJU710bxeQ=="

// writeFile writes a YAML file into a fresh temporary directory and returns its path.
func writeFile(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "symscore.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustLoad loads a file and fails the test on any problem.
func mustLoad(t *testing.T, opts LoadOptions) Config {
	t.Helper()
	c, err := Load(opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// problemsOf returns the problems of err, failing the test if err is not a *Error.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *config.Error", err, err)
	}
	return ce.Problems
}

// wantProblems checks that err lists exactly the problems with the given keys, in any
// order, each message containing the given text.
func wantProblems(t *testing.T, err error, want map[string]string) {
	t.Helper()
	got := problemsOf(t, err)
	var keys []string
	for _, p := range got {
		keys = append(keys, p.Key)
		msg, ok := want[p.Key]
		if !ok {
			t.Errorf("unexpected problem %q", p)
			continue
		}
		if !strings.Contains(p.Msg, msg) {
			t.Errorf("problem %q: want message containing %q", p, msg)
		}
	}
	for k := range want {
		if !slices.Contains(keys, k) {
			t.Errorf("no problem reported for %s; got:\n%v", k, err)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(got), len(want), err)
	}
}
