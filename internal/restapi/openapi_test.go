package restapi

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// openAPIDoc is what this test reads of docs/openapi.yaml.
type openAPIDoc struct {
	Servers []struct {
		URL string `yaml:"url"`
	} `yaml:"servers"`
	Paths map[string]map[string]yaml.Node `yaml:"paths"`
}

// openAPIOperation is what this test reads of one operation.
type openAPIOperation struct {
	OperationID string               `yaml:"operationId"`
	Responses   map[string]yaml.Node `yaml:"responses"`
}

var pathParam = regexp.MustCompile(`\{[^/}]+\}`)

// TestOpenAPIMatchesRoutes checks docs/openapi.yaml against the route table the server
// uses, both ways: every route is an operation of the document (same method, same path,
// a parameter where the route has a wildcard), every operation of the document is a
// route, under the server URL /symetry/rest/{cid}; and every operation documents the
// success codes the route answers (201 for create and import, 202 for build, ...).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	if len(doc.Servers) == 0 || !strings.HasSuffix(doc.Servers[0].URL, strings.TrimSuffix(restPrefix, "/")+"/{cid}") {
		t.Errorf("server URL %v: want one ending in %s{cid}", doc.Servers, restPrefix)
	}

	documented := map[string]openAPIOperation{} // "METHOD /projects/*/info"
	for path, item := range doc.Paths {
		for method, node := range item {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			var op openAPIOperation
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			documented[strings.ToUpper(method)+" "+pathParam.ReplaceAllString(path, "*")] = op
		}
	}

	routed := map[string]restOp{}
	for _, rt := range restRoutes {
		routed[rt.method+" /"+strings.Join(rt.pattern, "/")] = rt.op
	}
	for key, op := range routed {
		doc, ok := documented[key]
		if !ok {
			t.Errorf("route %s (%s) is not in docs/openapi.yaml", key, restOpNames[op])
			continue
		}
		for _, st := range op.statuses() {
			code := st.HTTPCode()
			if code >= 300 {
				continue
			}
			if _, ok := doc.Responses[strconv.Itoa(code)]; !ok {
				t.Errorf("%s (%s) answers %d %s; docs/openapi.yaml does not say so", key, doc.OperationID, code, st)
			}
		}
	}
	var extra []string
	for key := range documented {
		if _, ok := routed[key]; !ok {
			extra = append(extra, key)
		}
	}
	slices.Sort(extra)
	for _, key := range extra {
		t.Errorf("docs/openapi.yaml describes %s, which no route serves", key)
	}
	if len(routed) != len(restRoutes) || len(documented) < len(restRoutes) {
		t.Errorf("%d routes, %d distinct; %d operations documented", len(restRoutes), len(routed), len(documented))
	}
}
