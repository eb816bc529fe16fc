package model

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// buildParams are the extraParameters of a build, validated.
//
// Every algorithm accepts sml_rcond_tolerance (default 1e-14, in [0, 1)) and laplace_factor
// (default 1, > 0; used by bayes only, accepted by all because SymetryML clients send it
// with any build). Besides: ridge takes alpha (default 1, ≥ 0); lasso takes lambda (default 1,
// ≥ 0); elasticnet takes lambda and eta (default 0.5, in [0, 1]). The names are those of the
// model table and nothing else: scikit-learn's alpha/l1_ratio are not aliases for lasso and
// elasticnet, because ridge's alpha is not scaled by n while lasso's lambda is — one name,
// one meaning. Any other key is refused.
type buildParams struct {
	rcondTol float64
	laplace  float64
	alpha    float64 // ridge
	lambda   float64 // lasso, elasticnet
	eta      float64 // lasso (1), elasticnet
	// used are the parameters the algorithm uses, each with the value it uses (given
	// or default), sorted by name: what model info reports. A key accepted but ignored
	// (laplace_factor outside bayes) is not among them.
	used []Param
}

// paramRule is one accepted key: its default and its domain.
type paramRule struct {
	key    string
	def    float64
	check  func(float64) bool
	domain string
	dst    func(*buildParams) *float64
}

var (
	ruleRcond   = paramRule{"sml_rcond_tolerance", DefaultRcondTolerance, func(v float64) bool { return v >= 0 && v < 1 }, "a number in [0, 1)", func(p *buildParams) *float64 { return &p.rcondTol }}
	ruleLaplace = paramRule{"laplace_factor", 1, func(v float64) bool { return v > 0 }, "a positive number", func(p *buildParams) *float64 { return &p.laplace }}
	ruleAlpha   = paramRule{"alpha", 1, func(v float64) bool { return v >= 0 }, "a number ≥ 0", func(p *buildParams) *float64 { return &p.alpha }}
	ruleLambda  = paramRule{"lambda", 1, func(v float64) bool { return v >= 0 }, "a number ≥ 0", func(p *buildParams) *float64 { return &p.lambda }}
	ruleEta     = paramRule{"eta", 0.5, func(v float64) bool { return v >= 0 && v <= 1 }, "a number in [0, 1]", func(p *buildParams) *float64 { return &p.eta }}
)

// algoParams lists the keys each algorithm accepts besides the common ones.
var algoParams = map[string][]paramRule{
	"lda":        nil,
	"mlda":       nil,
	"mqda":       nil,
	"bayes":      nil,
	"mlr":        nil,
	"ridge":      {ruleAlpha},
	"lasso":      {ruleLambda},
	"elasticnet": {ruleLambda, ruleEta},
}

// knownAlgos is the list for error messages.
const knownAlgos = "lda, mlda, mqda, bayes, mlr, ridge, lasso, elasticnet"

func parseParams(algo string, extra map[string]string) (buildParams, error) {
	p := buildParams{eta: 1}
	rules := append([]paramRule{ruleRcond, ruleLaplace}, algoParams[algo]...)
	for _, r := range rules {
		*r.dst(&p) = r.def
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var rule *paramRule
		for i := range rules {
			if rules[i].key == k {
				rule = &rules[i]
			}
		}
		if rule == nil {
			names := make([]string, len(rules))
			for i, r := range rules {
				names[i] = r.key
			}
			return p, errorf("unknown parameter %s for %s (accepted: %s)", quote(k), algo, strings.Join(names, ", "))
		}
		text := strings.TrimSpace(extra[k])
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return p, errorf("parameter %s: %s is not a number", k, quote(extra[k]))
		}
		if !rule.check(v) {
			return p, errorf("parameter %s must be %s, not %s", k, rule.domain, quote(extra[k]))
		}
		*rule.dst(&p) = v
	}
	for _, r := range rules {
		if r.key == ruleLaplace.key && algo != "bayes" {
			continue
		}
		p.used = append(p.used, Param{Name: r.key, Values: []float64{*r.dst(&p)}})
	}
	sort.Slice(p.used, func(i, j int) bool { return p.used[i].Name < p.used[j].Name })
	return p, nil
}
