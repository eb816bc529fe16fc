package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestHardeningLimitsFromConfig: limits.max_name_bytes, max_customer_bytes and
// max_explore_work apply, their refusals name them and each is counted under its key;
// missing projects and models are named.
func TestHardeningLimitsFromConfig(t *testing.T) {
	cfg := restTestConfig()
	cfg.Limits.MaxNameBytes = 16
	cfg.Limits.MaxCustomerBytes = 64 << 10
	cfg.Limits.MaxExploreWork = 50_000
	s := startWSServer(t, cfg, nil)
	rc := newRESTClient(t, s, "c1", secretC1)
	rc.do(http.MethodPost, "/projects", "pid="+strings.Repeat("p", 17), nil).expect(t, http.StatusBadRequest, "is 17 bytes long; the limit is 16")
	rc.do(http.MethodPost, "/projects", "pid=a", nil).expect(t, http.StatusCreated, "CREATED")
	rc.do(http.MethodPost, "/projects/a/learn", "", []byte(`{"attributeNames":["`+strings.Repeat("n", 17)+`"],"attributeTypes":["C"],"data":[["1"]]}`)).
		expect(t, http.StatusBadRequest, "is 17 bytes long; the limit is 16")
	rc.do(http.MethodPost, "/projects/a/learn", "", []byte(`{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","1"],["3","5"]]}`)).
		expect(t, http.StatusOK, "OK")
	// uni on two inputs costs about 4 000 units: twenty of them do not fit 50 000.
	ctxs := strings.Repeat(`{"inputAttributes":["0","1"]},`, 19) + `{"inputAttributes":["0","1"]}`
	rc.do(http.MethodPost, "/projects/a/explore", "metric=uni", []byte(`{"values":[`+ctxs+`]}`)).
		expect(t, http.StatusBadRequest, "units of work")
	for i := 0; ; i++ {
		r := rc.do(http.MethodPost, "/projects", "pid=p"+strings.Repeat("x", i%10)+string(rune('a'+i/10)), nil)
		if r.code != http.StatusCreated {
			r.expect(t, http.StatusBadRequest, "the customer's projects would take")
			break
		}
	}
	newRESTClient(t, s, "c2", secretC2).do(http.MethodPost, "/projects", "pid=a", nil).expect(t, http.StatusCreated, "CREATED")
	for _, limit := range []string{"max_name_bytes", "max_explore_work", "max_customer_bytes"} {
		if n := metricValue(t, s, "symscore_refusals_total", "limit="+limit); n < 1 {
			t.Errorf("%s refusals %v", limit, n)
		}
	}
	rc.do(http.MethodGet, "/projects/nope/info", "", nil).expect(t, http.StatusBadRequest, `cannot find project "nope"`)
	rc.do(http.MethodGet, "/projects/a/models/m1", "", nil).expect(t, http.StatusBadRequest, `cannot find model "m1" in project "a"`)
}

// TestReplayedReadRefused: with auth.replay_predict a REST read sent again with the same
// signature is refused; without it, it is answered.
func TestReplayedReadRefused(t *testing.T) {
	for _, on := range []bool{true, false} {
		cfg := restTestConfig()
		cfg.Auth.ReplayPredict = on
		s := startWSServer(t, cfg, nil)
		rc := newRESTClient(t, s, "c1", secretC1)
		p := rc.path("/projects/list")
		h := rc.sign(http.MethodGet, p, "", nil)
		rc.send(http.MethodGet, p, "", nil, h).expect(t, http.StatusOK, "OK")
		if on {
			rc.send(http.MethodGet, p, "", nil, h).expect(t, http.StatusConflict, "replayed request")
		} else {
			rc.send(http.MethodGet, p, "", nil, h).expect(t, http.StatusOK, "OK")
		}
	}
}
