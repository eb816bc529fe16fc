package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/symscore/symscore/dataframe"
)

// imputeCounter counts the model inputs a predict run leaves missing: absent columns and
// empty cells, which the server imputes.
type imputeCounter struct {
	inputs []string // the model's inputs
	col    []int    // per input: the file column that carries it, -1 if none
	absent []string // inputs no column carries
	rows   int
	empty  int // empty cells of carried inputs
}

// newImputeCounter maps each model input to the file column that carries it: the column
// of the same name (not X), or for a T attribute "k$v" the T column k.
func newImputeCounter(inputs, header []string, types []dataframe.Type) *imputeCounter {
	im := &imputeCounter{inputs: inputs, col: make([]int, len(inputs))}
	for j, a := range inputs {
		im.col[j] = -1
		for i, h := range header {
			if types[i] == dataframe.TypeX {
				continue
			}
			k, _, isCat := strings.Cut(a, "$")
			if h == a || isCat && h == k && types[i] == dataframe.TypeT {
				im.col[j] = i
				break
			}
		}
		if im.col[j] < 0 {
			im.absent = append(im.absent, a)
		}
	}
	return im
}

// count counts the missing inputs of one row.
func (im *imputeCounter) count(rec []string) {
	im.rows++
	for _, c := range im.col {
		if c >= 0 && strings.TrimSpace(rec[c]) == "" {
			im.empty++
		}
	}
}

// imputed is the number of input values imputed so far.
func (im *imputeCounter) imputed() int { return im.empty + im.rows*len(im.absent) }

// report says on w how many values were imputed, if any.
func (im *imputeCounter) report(w io.Writer, regression bool) {
	n := im.imputed()
	if n == 0 {
		return
	}
	how := "the project mean"
	if regression {
		how = "the model's regression on the inputs present"
	}
	var parts []string
	if len(im.absent) > 0 {
		parts = append(parts, fmt.Sprintf("%d for the absent %s %s", im.rows*len(im.absent), nouns(len(im.absent), "input"), strings.Join(im.absent, ", ")))
	}
	if im.empty > 0 {
		parts = append(parts, plural(im.empty, "empty cell"))
	}
	fmt.Fprintf(w, "predict: imputed %d of %d input values with %s: %s\n", n, im.rows*len(im.inputs), how, strings.Join(parts, "; "))
}

// missingInputsError refuses a file that lacks inputs of the model, naming them and,
// for each column of the file the project does not know, the closest attribute names.
func missingInputsError(path string, opts predictOptions, absent, header []string, types []dataframe.Type, attrs []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "predict: %s has no column for %s of model %s: %s", path,
		map[bool]string{true: "the input", false: fmt.Sprintf("%d inputs", len(absent))}[len(absent) == 1], opts.model, strings.Join(absent, ", "))
	known := map[string]bool{}
	for _, a := range attrs {
		known[a] = true
		if k, _, ok := strings.Cut(a, "$"); ok {
			known[k] = true
		}
	}
	for i, h := range header {
		if known[h] || opts.types != "" && types[i] != dataframe.TypeX {
			continue
		}
		if near := closest(h, attrs, 3); len(near) > 0 {
			fmt.Fprintf(&b, "\n  the file's column %q is not an attribute of project %s; closest: %s", h, opts.project, strings.Join(near, ", "))
		}
	}
	b.WriteString("\ngive --allow-missing to score anyway, imputing the missing inputs")
	return fmt.Errorf("%s", b.String())
}

// closest returns up to n of names nearest to s (case-insensitive edit distance), those
// within a third of the longer length (at least 2), nearest first.
func closest(s string, names []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	ls := strings.ToLower(s)
	for _, name := range names {
		d := editDistance(ls, strings.ToLower(name))
		if d <= max(2, max(len(s), len(name))/3) {
			cs = append(cs, cand{name, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.d - b.d })
	var out []string
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
