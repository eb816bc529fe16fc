package metrics

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestEveryRefusalLabelDocumented: every label of symscore_refusals_total (a Limit*
// constant) is named in the row of that metric in docs/operations.md, so that an operator
// can look up any refusal the server counts.
func TestEveryRefusalLabelDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "| `symscore_refusals_total` |")
	if !ok {
		t.Fatal("docs/operations.md has no row for symscore_refusals_total")
	}
	row, _, _ := strings.Cut(rest, "\n")
	f, err := parser.ParseFile(token.NewFileSet(), "metrics.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Limit") || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		label, _ := strconv.Unquote(lit.Value)
		n++
		if !strings.Contains(row, "`"+label+"`") {
			t.Errorf("refusal label %q (%s) is not in docs/operations.md's row of symscore_refusals_total", label, vs.Names[0].Name)
		}
		return true
	})
	if n < 25 {
		t.Fatalf("found %d Limit constants: the test does not read them", n)
	}
}

// TestEveryMetricDocumented: every metric this package registers (a `Name: "symscore_…"`
// in its files) is named in docs/operations.md or docs/cluster.md.
func TestEveryMetricDocumented(t *testing.T) {
	var docs strings.Builder
	for _, p := range []string{"../../docs/operations.md", "../../docs/cluster.md"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`Name: *"(symscore_[a-z_]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range name.FindAllSubmatch(src, -1) {
			n++
			if !strings.Contains(docs.String(), "`"+string(m[1])+"`") {
				t.Errorf("metric %s (%s) is in neither docs/operations.md nor docs/cluster.md", m[1], f)
			}
		}
	}
	if n < 16 {
		t.Fatalf("found %d metric names: the test does not read them", n)
	}
}
