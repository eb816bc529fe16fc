package csvdata

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// File is a CSV file whose header has been read and checked. It is immutable and safe
// for concurrent use: it reads through ReadAt only.
type File struct {
	// Path names the file in errors.
	Path string
	// Names are the column names, trimmed.
	Names []string

	r        io.ReaderAt
	size     int64
	body     int64 // offset of the first byte after the header record
	bodyLine int   // physical line of that byte
}

// Open reads and checks the header of the CSV file of size bytes that r reads; path
// names it in errors. An empty file, a header that is not valid CSV or UTF-8, an empty or
// repeated name, or a header of numbers only is an *Error.
func Open(r io.ReaderAt, size int64, path string) (*File, error) {
	f := &File{Path: path, r: r, size: size}
	cr := csv.NewReader(io.NewSectionReader(r, 0, size))
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{Path: path, Msg: "empty file: want a header row naming the columns"}
	}
	if err != nil {
		return nil, f.syntaxError(err, 1)
	}
	f.body = cr.InputOffset()
	line, _ := cr.FieldPos(len(header) - 1)
	f.bodyLine = line + strings.Count(header[len(header)-1], "\n") + 1
	if err := f.setHeader(header); err != nil {
		return nil, err
	}
	return f, nil
}

// setHeader checks the header record and keeps a copy of its names.
func (f *File) setHeader(header []string) error {
	names := make([]string, len(header))
	seen := make(map[string]int, len(header))
	numbers := 0
	for i, h := range header {
		if !utf8.ValidString(h) {
			return &Error{Path: f.Path, Line: 1, Msg: "column " + strconv.Itoa(i+1) + " of the header row is not valid UTF-8: " + quote(h)}
		}
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a byte order mark
		}
		h = strings.TrimSpace(h)
		switch {
		case h == "":
			return &Error{Path: f.Path, Line: 1, Msg: "column " + strconv.Itoa(i+1) + " of the header row has no name"}
		case seen[h] > 0:
			return &Error{Path: f.Path, Line: 1, Msg: "column " + strconv.Itoa(i+1) + " of the header row repeats the name " +
				quote(h) + " of column " + strconv.Itoa(seen[h])}
		}
		if _, ok, _ := numberText(h); ok {
			numbers++
		}
		seen[h] = i + 1
		names[i] = h
	}
	if numbers == len(names) {
		return &Error{Path: f.Path, Line: 1, Msg: "the first row " + quote(strings.Join(header, ",")) +
			" holds only numbers: it must be a header row naming the columns"}
	}
	f.Names = names
	return nil
}

// Size is the file's size in bytes.
func (f *File) Size() int64 { return f.size }

// Whole is the one part holding every record of the file.
func (f *File) Whole() Part { return Part{Offset: f.body, End: f.size, Line: f.bodyLine} }

// syntaxError places an error of encoding/csv; line0 is the physical line where the
// reader started.
func (f *File) syntaxError(err error, line0 int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &Error{Path: f.Path, Msg: "cannot read: " + err.Error()}
	}
	e := &Error{Path: f.Path, Line: line0 - 1 + pe.Line}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		e.Line = line0 - 1 + pe.StartLine
		e.Msg = "the row has a different number of fields than the header's " + strconv.Itoa(len(f.Names))
	case errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote):
		e.Msg = pe.Err.Error() + " (byte " + strconv.Itoa(pe.Column) + " of the line; a quote inside a quoted field is written twice)"
	default:
		e.Msg = pe.Err.Error()
	}
	return e
}
