package csvdata

import (
	"strconv"
	"strings"

	"github.com/symscore/symscore/dataframe"
)

// Inference decides the column types of a File from its records (see the package doc).
// Feed it every record with Add — from one goroutine, or from several Inferences merged
// in file order — then call Types. It is owned by one goroutine.
type Inference struct {
	f             *File
	known         []dataframe.Type
	maxCategories int
	cols          []colStats
	key           []byte
}

// colStats is what inference knows of one column.
type colStats struct {
	values  int64 // non-empty cells
	numbers int64 // of which numbers
	binary  bool  // every number so far is 0 or 1
	// firstText is the first non-number cell (in file order), for the refusal of a
	// mostly numeric column.
	firstText cellAt
	// distinct holds the category texts seen (dataframe.AppendCategory), at most
	// maxCategories+1 of them; many says there were more.
	distinct map[string]struct{}
	many     bool
}

// cellAt is a cell's text and position; line 0 means none.
type cellAt struct {
	text  string
	line  int
	field int
}

// NewInference starts inferring the types of f's columns. known holds, per column, a
// type the caller already knows (a project's attribute type) or 0; nil knows none. A
// column inferred T with more than maxCategories distinct values is refused (≤ 0: no
// bound).
func (f *File) NewInference(known []dataframe.Type, maxCategories int) *Inference {
	in := &Inference{f: f, known: known, maxCategories: maxCategories, cols: make([]colStats, len(f.Names))}
	for i := range in.cols {
		in.cols[i].binary = true
	}
	return in
}

// Add takes one record (as Records.Read returns it) that starts on line.
func (in *Inference) Add(rec []string, line int) {
	for i, cell := range rec {
		if in.isKnown(i) {
			continue
		}
		c := &in.cols[i]
		v, ok, empty := numberText(cell)
		if empty {
			continue
		}
		c.values++
		if ok {
			c.numbers++
			c.binary = c.binary && (v == 0 || v == 1)
		} else if c.firstText.line == 0 {
			c.firstText = cellAt{text: cell, line: FieldLine(rec, line, i), field: i + 1}
		}
		if c.many {
			continue
		}
		in.key = dataframe.AppendCategory(in.key[:0], cell)
		if _, seen := c.distinct[string(in.key)]; seen {
			continue
		}
		if in.maxCategories > 0 && len(c.distinct) >= in.maxCategories {
			c.many, c.distinct = true, nil
			continue
		}
		if c.distinct == nil {
			c.distinct = map[string]struct{}{}
		}
		c.distinct[string(in.key)] = struct{}{}
	}
}

func (in *Inference) isKnown(i int) bool { return i < len(in.known) && in.known[i] != 0 }

// Merge adds what other saw to in; other must have read records that come after in's
// (the next part of the file), so that "first" positions stay the first in the file.
func (in *Inference) Merge(other *Inference) {
	for i := range in.cols {
		c, o := &in.cols[i], &other.cols[i]
		c.values += o.values
		c.numbers += o.numbers
		c.binary = c.binary && o.binary
		if c.firstText.line == 0 {
			c.firstText = o.firstText
		}
		if c.many {
			continue
		}
		if o.many {
			c.many, c.distinct = true, nil
			continue
		}
		for k := range o.distinct {
			if _, seen := c.distinct[k]; seen {
				continue
			}
			if in.maxCategories > 0 && len(c.distinct) >= in.maxCategories {
				c.many, c.distinct = true, nil
				break
			}
			if c.distinct == nil {
				c.distinct = map[string]struct{}{}
			}
			c.distinct[k] = struct{}{}
		}
	}
}

// Types returns one type per column: the known ones as given, the others inferred. A
// mostly numeric column with a non-number (more than half of its values numbers), and a
// T column with more than maxCategories distinct values, are refused: the *Error is
// about the first such column (placed at its first non-number, for a mostly numeric
// one) and names every other, and types then holds a suggestion — C for a mostly
// numeric column, X for one with too many values.
func (in *Inference) Types() ([]dataframe.Type, error) {
	types := make([]dataframe.Type, len(in.cols))
	var problems []string
	var first *Error
	for i := range in.cols {
		if in.isKnown(i) {
			types[i] = in.known[i]
			continue
		}
		c := &in.cols[i]
		switch {
		case c.values > 0 && c.numbers == c.values && c.binary:
			types[i] = dataframe.TypeB
		case c.values > 0 && c.numbers == c.values:
			types[i] = dataframe.TypeC
		default:
			types[i] = dataframe.TypeT
		}
		if types[i] != dataframe.TypeT {
			continue
		}
		var e *Error
		switch {
		case c.numbers > 0 && 2*c.numbers > c.values:
			e = &Error{Path: in.f.Path, Line: c.firstText.line, Field: c.firstText.field, Column: in.f.Names[i],
				Msg: quote(c.firstText.text) + " is not a number, but " + strconv.FormatInt(c.numbers, 10) + " of the column's " +
					strconv.FormatInt(c.values, 10) + " values are: fix the cell, or type the column T (a category) or X (ignored)"}
			types[i] = dataframe.TypeC
		case c.many:
			e = &Error{Path: in.f.Path, Column: in.f.Names[i],
				Msg: "column " + quote(in.f.Names[i]) + " has more than " + strconv.Itoa(in.maxCategories) +
					" distinct values (an id?): as a category (T) each would become an attribute; type it X to ignore it"}
			types[i] = dataframe.TypeX
		default:
			continue
		}
		problems = append(problems, in.f.Names[i])
		if first == nil {
			first = e
		}
	}
	if first != nil {
		if len(problems) > 1 {
			first.Msg += " (columns that need a type: " + strings.Join(problems, ", ") + ")"
		}
		return types, first
	}
	return types, nil
}

// numberText is dataframe's reading of a C cell.
func numberText(s string) (v float64, ok, empty bool) { return dataframe.NumberText(s) }
