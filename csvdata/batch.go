package csvdata

import (
	"errors"
	"io"
	"strings"

	"github.com/symscore/symscore/dataframe"
)

// Batch holds consecutive records of a File as dataframe.Cells, with the physical line
// of each row, ready for dataframe.Parser.ParseCells. It is owned by one goroutine.
type Batch struct {
	// Cells are the rows; Names and Types are set by NewBatch.
	Cells dataframe.Cells
	// Lines holds the physical line each row starts on.
	Lines []int
	f     *File
}

// NewBatch returns an empty batch of f's columns typed types (one per column).
func (f *File) NewBatch(types []dataframe.Type) *Batch {
	return &Batch{f: f, Cells: dataframe.Cells{Names: f.Names, Types: types}}
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	clear(b.Cells.Data) // let the old records' strings go
	b.Cells.Data = b.Cells.Data[:0]
	b.Lines = b.Lines[:0]
}

// Rows is the number of rows in the batch.
func (b *Batch) Rows() int { return len(b.Lines) }

// Add appends one record (as Records.Read returns it) that starts on line.
func (b *Batch) Add(rec []string, line int) {
	b.Cells.Data = append(b.Cells.Data, rec...)
	b.Lines = append(b.Lines, line)
}

// Row returns row i's cells.
func (b *Batch) Row(i int) []string {
	w := len(b.Cells.Names)
	return b.Cells.Data[i*w : (i+1)*w]
}

// Fill empties b and reads up to max records of r into it. It returns io.EOF when r had
// no record left, and r's error otherwise.
func (b *Batch) Fill(r *Records, max int) error {
	b.Reset()
	for b.Rows() < max {
		rec, line, err := r.Read()
		if err == io.EOF {
			if b.Rows() == 0 {
				return io.EOF
			}
			return nil
		}
		if err != nil {
			return err
		}
		b.Add(rec, line)
	}
	return nil
}

// Place turns a refusal of this batch's rows into an error at their file position: a
// *dataframe.Error naming a row (and a column) becomes an *Error at that line (and
// field), one naming a column but no row (its name) an *Error at the header's field; any
// other error names the batch's lines.
func (b *Batch) Place(err error) error {
	var de *dataframe.Error
	if errors.As(err, &de) && de.Row >= 0 && de.Row < b.Rows() {
		msg := trimRowPrefix(de.Msg)
		if de.Column >= 0 && de.Column < len(b.Cells.Names) {
			return b.f.cellError(b.Row(de.Row), b.Lines[de.Row], de.Column, msg)
		}
		return &Error{Path: b.f.Path, Line: b.Lines[de.Row], Msg: msg}
	}
	if de != nil && de.Row < 0 && de.Column >= 0 && de.Column < len(b.f.Names) {
		return b.f.cellError(b.f.Names, 1, de.Column, de.Msg)
	}
	if b.Rows() == 0 {
		return &Error{Path: b.f.Path, Msg: err.Error()}
	}
	return errors.New(b.LineRange() + ": " + err.Error())
}

// LineRange names the batch's lines, "path:first-last".
func (b *Batch) LineRange() string {
	if b.Rows() == 0 {
		return b.f.Path
	}
	last := b.Rows() - 1
	end := FieldLine(b.Row(last), b.Lines[last], len(b.Cells.Names)-1)
	end += strings.Count(b.Row(last)[len(b.Cells.Names)-1], "\n")
	return b.f.lineRange(b.Lines[0], end)
}

// trimRowPrefix drops the `row N, column "x": ` or `row N: ` that dataframe puts before
// a row's refusal: the position is given by the file instead.
func trimRowPrefix(msg string) string {
	if !strings.HasPrefix(msg, "row ") {
		return msg
	}
	rest := strings.TrimLeft(msg[len("row "):], "0123456789")
	switch {
	case strings.HasPrefix(rest, ": "):
		return rest[2:]
	case strings.HasPrefix(rest, ", column "):
		// the column's name is quoted by strconv.Quote: find the end of the quoted string
		q := rest[len(", column "):]
		if end := quotedEnd(q); end > 0 && strings.HasPrefix(q[end:], ": ") {
			return q[end+2:]
		}
	}
	return msg
}

// quotedEnd returns the length of the Go-quoted string at the start of s (with a "..."
// cut mark after it), or 0.
func quotedEnd(s string) int {
	if !strings.HasPrefix(s, `"`) {
		return 0
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			i++
			if strings.HasPrefix(s[i:], "...") {
				i += 3
			}
			return i
		}
	}
	return 0
}
