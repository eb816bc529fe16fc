package server

import (
	"net/http"
	"testing"
)

// TestProjectLimitsFromConfig: the project limits of the configuration apply, the refusal
// names them, and each is counted.
func TestProjectLimitsFromConfig(t *testing.T) {
	cfg := symConfig()
	cfg.Limits.MaxProjects = 1
	cfg.Limits.MaxAttributes = 2
	cfg.Limits.MaxNewAttributesPerMessage = 3
	s := startWSServer(t, cfg, nil)
	rc := newRESTClient(t, s, "c1", secretC1)
	rc.do(http.MethodPost, "/projects", "pid=a", nil).expect(t, http.StatusCreated, "CREATED")
	rc.do(http.MethodPost, "/projects", "pid=b", nil).expect(t, http.StatusBadRequest, "the limit is 1")
	rc.do(http.MethodPost, "/projects/a/learn", "", []byte(`{"attributeNames":["x","y","z"],"attributeTypes":["C","C","C"],"data":[["1","2","3"]]}`)).
		expect(t, http.StatusBadRequest, "the limit is 2")
	rc.do(http.MethodPost, "/projects/a/learn", "", []byte(`{"attributeNames":["t"],"attributeTypes":["T"],"data":[["u"],["v"],["w"],["x"]]}`)).
		expect(t, http.StatusBadRequest, "the limit is 3 per message")
	if n := metricValue(t, s, "symscore_refusals_total", "limit=max_new_attributes_per_message"); n != 1 {
		t.Fatalf("max_new_attributes_per_message refusals %v", n)
	}
	if n := metricValue(t, s, "symscore_refusals_total", "limit=max_projects"); n != 1 {
		t.Fatalf("max_projects refusals %v", n)
	}
	if n := metricValue(t, s, "symscore_refusals_total", "limit=max_attributes"); n != 1 {
		t.Fatalf("max_attributes refusals %v", n)
	}
}
