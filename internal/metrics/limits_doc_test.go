package metrics

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
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
