package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// irisWith returns the iris file with cell (row r after the header, field f) replaced.
func irisWith(t *testing.T, edits map[[2]int]string) string {
	t.Helper()
	b, err := os.ReadFile(irisPath(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for at, v := range edits {
		fields := strings.Split(lines[at[0]], ",")
		fields[at[1]] = v
		lines[at[0]] = strings.Join(fields, ",")
	}
	return writeFile(t, "file.csv", strings.Join(lines, "\n"))
}

// unchanged fails unless project pid is described exactly as before: rows, attributes,
// models, dates.
func (ds *devServer) unchanged(t *testing.T, pid string, before string) {
	t.Helper()
	if after := ds.ok(t, "project", "info", pid, "--json"); after != before {
		t.Errorf("project %s changed:\nbefore %s\nafter %s", pid, before, after)
	}
}

// sameButModified fails unless project pid is as before but for its
// lastModificationDate: what an undone change leaves.
func (ds *devServer) sameButModified(t *testing.T, pid string, before string) {
	t.Helper()
	cut := regexp.MustCompile(`"lastModificationDate": "[^"]*"`)
	after := ds.ok(t, "project", "info", pid, "--json")
	if cut.ReplaceAllString(after, "") != cut.ReplaceAllString(before, "") {
		t.Errorf("project %s changed:\nbefore %s\nafter %s", pid, before, after)
	}
}

// TestWrongResultsAreRefused runs the commands of the issue that used to give a wrong
// answer with exit 0: each is now refused (exit 1, the position and the fix in the
// message) and leaves the project exactly as it was.
func TestWrongResultsAreRefused(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)

	// symscore learn -p iris file.csv, one cell of a numeric column "abc": in a new
	// project the column is not guessed T; in a project that knows it as C, the cell is
	// an error. Line 7 of the file, field 2.
	bad := irisWith(t, map[[2]int]string{{6, 1}: "abc"})
	ds.ok(t, "project", "create", "fresh")
	before := ds.ok(t, "project", "info", "fresh", "--json")
	ds.fails(t, 1, []string{"learn", "-p", "fresh", bad},
		bad+`:7:2: column "sepal_width": "abc" is not a number, but 149 of the column's 150 values are`, "--types C,C,C,C,T,B,B,B")
	ds.unchanged(t, "fresh", before)

	ds.ok(t, "project", "create", "iris")
	ds.ok(t, "learn", "-p", "iris", irisPath(t))
	before = ds.ok(t, "project", "info", "iris", "--json")
	ds.fails(t, 1, []string{"learn", "-p", "iris", bad}, "learn: nothing was learned: "+bad+`:7:2: column "sepal_width": "abc" is not a number`)
	ds.fails(t, 1, []string{"forget", "-p", "iris", bad}, "forget: nothing was forgot: "+bad+`:7:2: column "sepal_width": "abc" is not a number`)
	ds.unchanged(t, "iris", before)

	// A column of unique ids learned without --types X: refused before anything is sent.
	var ids strings.Builder
	ids.WriteString("id,x,y\n")
	for i := range 4000 {
		fmt.Fprintf(&ids, "user-%d,%d.5,%d\n", i, i%17, i%2)
	}
	idFile := writeFile(t, "ids.csv", ids.String())
	ds.ok(t, "project", "create", "ids")
	before = ds.ok(t, "project", "info", "ids", "--json")
	ds.fails(t, 1, []string{"learn", "-p", "ids", idFile}, `column "id" has more than 1024 distinct values (an id?)`, "type it X to ignore it; e.g. --types X,C,B")
	ds.unchanged(t, "ids", before)
	if out := ds.ok(t, "learn", "-p", "ids", "--types", "X,C,B", idFile); !strings.HasPrefix(out, "learned 4000 rows") {
		t.Errorf("with --types X,C,B: %q", out)
	}

	// symscore predict with a misspelt header, and with none of the model's inputs.
	ds.ok(t, "build", "-p", "iris", "--algo", "lda", "--model", "m1",
		"--inputs", "sepal_length,sepal_width,petal_length,petal_width", "--target", "Iris_virginica")
	before = ds.ok(t, "project", "info", "iris", "--json")
	misspelt := writeFile(t, "rows.csv", "sepal_length,sepal_width,Petal_Length,petal_width\n5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5\n")
	r := ds.fails(t, 1, []string{"predict", "-p", "iris", "-m", "m1", misspelt},
		misspelt+" has no column for the input of model m1: petal_length",
		`the file's column "Petal_Length" is not an attribute of project iris; closest: petal_length, sepal_length, petal_width`,
		"--allow-missing")
	if r.stdout != "" {
		t.Errorf("a refused predict wrote %q", r.stdout)
	}
	none := writeFile(t, "none.csv", "a,b\n1,2\n")
	ds.fails(t, 1, []string{"predict", "-p", "iris", "-m", "m1", none},
		none+" has no column for 4 inputs of model m1: sepal_length, sepal_width, petal_length, petal_width")
	// With --allow-missing it scores, and says what it imputed.
	r = ds.cli(t, "predict", "-p", "iris", "-m", "m1", "--allow-missing", misspelt)
	if r.code != 0 || len(readCSV(t, r.stdout)) != 3 ||
		!strings.Contains(r.stderr, "predict: imputed 2 of 8 input values with the project mean: 2 for the absent input petal_length\n") {
		t.Errorf("--allow-missing: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	// Empty cells are counted too.
	empty := writeFile(t, "empty.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,,1.4,0.2\n6.3,3.3,,\n")
	r = ds.cli(t, "predict", "-p", "iris", "-m", "m1", empty)
	if r.code != 0 || !strings.Contains(r.stderr, "predict: imputed 3 of 8 input values with the project mean: 3 empty cells\n") {
		t.Errorf("empty cells: exit %d\nstderr %s", r.code, r.stderr)
	}
	ds.unchanged(t, "iris", before)

	// Rebuilding an existing model id: refused unless --replace; a model id with a space
	// is refused as a project id would be.
	ds.fails(t, 1, []string{"build", "-p", "iris", "--algo", "mlr", "--model", "m1",
		"--inputs", "sepal_length,sepal_width", "--target", "petal_length"},
		"build m1 of project iris: model m1 exists: give --replace to rebuild it")
	ds.fails(t, 1, []string{"build", "-p", "iris", "--algo", "mlr", "--model", "m 2",
		"--inputs", "sepal_length,sepal_width", "--target", "petal_length"},
		`model id "m 2" holds a space`)
	ds.unchanged(t, "iris", before)
	if out := ds.ok(t, "build", "-p", "iris", "--algo", "mlr", "--model", "m1", "--replace",
		"--inputs", "sepal_length,sepal_width", "--target", "petal_length"); !strings.HasPrefix(out, "built model m1 (mlr)") {
		t.Errorf("build --replace: %q", out)
	}
}
