package server_test

import (
	"net/http"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestProjectLimitsFromConfig: the project limits of the configuration apply, the refusal
// names them, and each is counted.
func TestProjectLimitsFromConfig(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxProjects = 1
	cfg.Limits.MaxAttributes = 2
	cfg.Limits.MaxNewAttributesPerMessage = 3
	s := start(t, cfg, nil)
	rc := s.REST("c1", testenv.Secret1)
	rc.Do(http.MethodPost, "/projects", "pid=a", nil).Expect(t, http.StatusCreated, "CREATED")
	rc.Do(http.MethodPost, "/projects", "pid=b", nil).Expect(t, http.StatusBadRequest, "the limit is 1")
	rc.Do(http.MethodPost, "/projects/a/learn", "", []byte(`{"attributeNames":["x","y","z"],"attributeTypes":["C","C","C"],"data":[["1","2","3"]]}`)).
		Expect(t, http.StatusBadRequest, "the limit is 2")
	rc.Do(http.MethodPost, "/projects/a/learn", "", []byte(`{"attributeNames":["t"],"attributeTypes":["T"],"data":[["u"],["v"],["w"],["x"]]}`)).
		Expect(t, http.StatusBadRequest, "the limit is 3 per message")
	if n := s.Metric("symscore_refusals_total", "limit=max_new_attributes_per_message"); n != 1 {
		t.Fatalf("max_new_attributes_per_message refusals %v", n)
	}
	if n := s.Metric("symscore_refusals_total", "limit=max_projects"); n != 1 {
		t.Fatalf("max_projects refusals %v", n)
	}
	if n := s.Metric("symscore_refusals_total", "limit=max_attributes"); n != 1 {
		t.Fatalf("max_attributes refusals %v", n)
	}
}
