package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// csvFile is a CSV file with a header row, read in passes: learn and predict read it once
// to infer the column types, once to validate every row, once to send. Quoted fields
// (commas, doubled quotes and newlines inside) follow RFC 4180, as encoding/csv reads them;
// every record must have as many fields as the header; blank lines are skipped. Header
// names are trimmed of spaces (and a byte order mark), and must be non-empty and unique.
type csvFile struct {
	path   string
	header []string
}

// openCSV reads and checks the header of the file at path.
func openCSV(path string) (*csvFile, error) {
	f := &csvFile{path: path}
	err := f.scan(nil)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// scan reads the file from the start. Without a header yet it reads and checks it; then
// it calls fn for every record after the header with the record's first line (1-based)
// and its fields, which are valid until fn returns. fn may stop the scan with an error,
// returned as is.
func (f *csvFile) scan(fn func(line int, rec []string) error) error {
	file, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer file.Close()
	r := csv.NewReader(bufio.NewReaderSize(file, 256<<10))
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return fmt.Errorf("%s: empty file: want a header row naming the columns", f.path)
	}
	if err != nil {
		return f.csvError(err)
	}
	if f.header == nil {
		if err := f.setHeader(header); err != nil {
			return err
		}
	}
	if fn == nil {
		return nil
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return f.csvError(err)
		}
		line, _ := r.FieldPos(0)
		if err := fn(line, rec); err != nil {
			return err
		}
	}
}

// setHeader checks the header row and keeps a copy of it.
func (f *csvFile) setHeader(header []string) error {
	names := make([]string, len(header))
	seen := map[string]int{}
	numbers := 0
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a byte order mark
		}
		h = strings.TrimSpace(h)
		switch {
		case h == "":
			return fmt.Errorf("%s:1: column %d of the header row has no name", f.path, i+1)
		case seen[h] > 0:
			return fmt.Errorf("%s:1: column %d of the header row repeats the name %q of column %d", f.path, i+1, h, seen[h])
		}
		if _, err := strconv.ParseFloat(h, 64); err == nil {
			numbers++
		}
		seen[h] = i + 1
		names[i] = h
	}
	if numbers == len(names) {
		return fmt.Errorf("%s:1: the first row %s holds only numbers: it must be a header row naming the columns", f.path, quoteCut(strings.Join(header, ",")))
	}
	f.header = names
	return nil
}

// csvError places a CSV syntax error in the file.
func (f *csvFile) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("%s:%d: the row has a different number of fields than the header's %d", f.path, pe.StartLine, len(f.header))
		}
		return fmt.Errorf("%s:%d: %v", f.path, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", f.path, err)
}

// quoteCut quotes s for a message, cut at 40 bytes.
func quoteCut(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "..."
	}
	return strconv.Quote(s)
}
