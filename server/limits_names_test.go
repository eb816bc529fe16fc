package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// TestHardeningLimitsFromConfig (issue 13 items 7 and 11; the attacks of items 5 and 6 are
// in attack_names_test.go): limits.max_name_bytes, max_customer_bytes and
// max_explore_work apply, their refusals say the limit and each is counted under its key;
// missing projects and models are named. Another customer is served throughout and loses
// nothing.
func TestHardeningLimitsFromConfig(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxNameBytes = 16
	cfg.Limits.MaxCustomerBytes = 64 << 10
	cfg.Limits.MaxExploreWork = 50_000
	s := start(t, cfg, nil)
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	rc := s.REST("c1", testenv.Secret1)
	rc.Do(http.MethodPost, "/projects", "pid="+strings.Repeat("p", 17), nil).Expect(t, http.StatusBadRequest, "is 17 bytes long; the limit is 16")
	rc.Do(http.MethodPost, "/projects", "pid=a", nil).Expect(t, http.StatusCreated, "CREATED")
	rc.Do(http.MethodPost, "/projects/a/learn", "", []byte(`{"attributeNames":["`+strings.Repeat("n", 17)+`"],"attributeTypes":["C"],"data":[["1"]]}`)).
		Expect(t, http.StatusBadRequest, "is 17 bytes long; the limit is 16")
	rc.Do(http.MethodPost, "/projects/a/learn", "", []byte(`{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","1"],["3","5"]]}`)).
		Expect(t, http.StatusOK, "OK")
	// uni on two inputs costs about 4 000 units: twenty of them do not fit 50 000.
	ctxs := strings.Repeat(`{"inputAttributes":["0","1"]},`, 19) + `{"inputAttributes":["0","1"]}`
	rc.Do(http.MethodPost, "/projects/a/explore", "metric=uni", []byte(`{"values":[`+ctxs+`]}`)).
		Expect(t, http.StatusBadRequest, "units of work")
	b.Check()
	for i := 0; ; i++ {
		r := rc.Do(http.MethodPost, "/projects", "pid=p"+strings.Repeat("x", i%10)+string(rune('a'+i/10)), nil)
		if r.Code != http.StatusCreated {
			r.Expect(t, http.StatusBadRequest, "the customer's projects would take")
			break
		}
	}
	s.REST("c2", testenv.Secret2).Do(http.MethodPost, "/projects", "pid=a", nil).Expect(t, http.StatusCreated, "CREATED")
	for _, limit := range []string{"max_name_bytes", "max_explore_work", "max_customer_bytes"} {
		if n := s.Metric("symscore_refusals_total", "limit="+limit); n < 1 {
			t.Errorf("%s refusals %v", limit, n)
		}
	}
	rc.Do(http.MethodGet, "/projects/nope/info", "", nil).Expect(t, http.StatusBadRequest, `cannot find project "nope"`)
	rc.Do(http.MethodGet, "/projects/a/models/m1", "", nil).Expect(t, http.StatusBadRequest, `cannot find model "m1" in project "a"`)
	p := s.Sym("/symetry/ws/predict", "c1", testenv.Secret1)
	p.Signed(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, "a", "nope")
	if e := p.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, `cannot find model "nope" in project "a"`) {
		t.Fatalf("WebSocket predict of an unknown model: %q", e.StatusString)
	}
	b.Check()
	b.CheckNew()
}

// TestReplayedReadRefused: with auth.replay_predict a REST read sent again with the same
// signature is refused; without it, it is answered.
func TestReplayedReadRefused(t *testing.T) {
	for _, on := range []bool{true, false} {
		cfg := testkit.Config()
		cfg.Auth.ReplayPredict = on
		s := start(t, cfg, nil)
		rc := s.REST("c1", testenv.Secret1)
		p := rc.Path("/projects/list")
		h := rc.Sign(http.MethodGet, p, "", nil)
		rc.Send(http.MethodGet, p, "", nil, h).Expect(t, http.StatusOK, "OK")
		if on {
			rc.Send(http.MethodGet, p, "", nil, h).Expect(t, http.StatusConflict, "replayed request")
		} else {
			rc.Send(http.MethodGet, p, "", nil, h).Expect(t, http.StatusOK, "OK")
		}
	}
}
