package csvdata

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Records reads the records of one part of a File, in order, with their physical lines.
// It is owned by one goroutine.
type Records struct {
	f     *File
	cr    *csv.Reader
	off   int64 // the part's first byte
	line0 int   // physical line of the part's first byte
	err   error
}

// readBuf is the size of a Records reader's reads (encoding/csv's own is 4 KiB: a ReadAt
// call per 4 KiB of the file).
const readBuf = 64 << 10

// Records returns a reader of part p's records (p from Split, or Whole).
func (f *File) Records(p Part) *Records {
	cr := csv.NewReader(bufio.NewReaderSize(io.NewSectionReader(f.r, p.Offset, p.End-p.Offset), readBuf))
	cr.FieldsPerRecord = len(f.Names)
	cr.ReuseRecord = true
	return &Records{f: f, cr: cr, off: p.Offset, line0: p.Line}
}

// Read returns the next record and the physical line it starts on. The record is valid
// until the next Read (its strings stay valid: they are not reused). At the end of the
// part it returns io.EOF; a record that is not valid CSV, has the wrong number of fields
// or is not UTF-8 is an *Error, and so is every later Read.
func (r *Records) Read() (rec []string, line int, err error) {
	if r.err != nil {
		return nil, 0, r.err
	}
	rec, err = r.cr.Read()
	if err == io.EOF {
		r.err = io.EOF
		return nil, 0, io.EOF
	}
	if err != nil {
		r.err = r.f.syntaxError(err, r.line0)
		return nil, 0, r.err
	}
	l, _ := r.cr.FieldPos(0)
	line = r.line0 - 1 + l
	for i, s := range rec {
		if !utf8.ValidString(s) {
			r.err = &Error{Path: r.f.Path, Line: FieldLine(rec, line, i), Field: i + 1, Column: r.f.Names[i],
				Msg: "not valid UTF-8: " + quote(s)}
			return nil, 0, r.err
		}
	}
	return rec, line, nil
}

// Offset is the file offset just past the last record read: progress of a reader.
func (r *Records) Offset() int64 { return r.off + r.cr.InputOffset() }

// FieldLine is the physical line on which field i of rec starts, for a record starting
// on line: every newline in the fields before it (quoted newlines) moves it down.
func FieldLine(rec []string, line, i int) int {
	for _, s := range rec[:i] {
		line += strings.Count(s, "\n")
	}
	return line
}

// cellError places a message about field i of a record that starts on line.
func (f *File) cellError(rec []string, line, i int, msg string) *Error {
	return &Error{Path: f.Path, Line: FieldLine(rec, line, i), Field: i + 1, Column: f.Names[i], Msg: msg}
}

// lineRange names lines a to b of the file: "path:a-b", or "path:a" when a == b.
func (f *File) lineRange(a, b int) string {
	if a == b {
		return f.Path + ":" + strconv.Itoa(a)
	}
	return f.Path + ":" + strconv.Itoa(a) + "-" + strconv.Itoa(b)
}
