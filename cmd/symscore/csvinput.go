package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/csvdata"
	"github.com/symscore/symscore/dataframe"
)

// defaultMaxCategories bounds the distinct values of an inferred T column: a quarter of
// the server's default limits.max_attributes, as the server's own upload inference.
const defaultMaxCategories = config.DefaultMaxAttributes / 4

// csvInput is a CSV file (csvdata rules) that a client command reads in passes. "-"
// reads standard input, kept in a temporary file for the later passes.
type csvInput struct {
	*csvdata.File
	f       *os.File
	tmpPath string
}

// openCSVInput opens path, or standard input for "-", and reads its header.
func openCSVInput(path string, stdin io.Reader) (*csvInput, error) {
	in := &csvInput{}
	name := path
	if path == "-" {
		tmp, err := os.CreateTemp("", "symscore-stdin-*.csv")
		if err != nil {
			return nil, fmt.Errorf("cannot keep standard input: %w", err)
		}
		in.f, in.tmpPath, name = tmp, tmp.Name(), "stdin"
		if _, err := io.Copy(tmp, stdin); err != nil {
			in.Close()
			return nil, fmt.Errorf("cannot read standard input: %w", err)
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		in.f = f
	}
	st, err := in.f.Stat()
	if err != nil {
		in.Close()
		return nil, err
	}
	if in.File, err = csvdata.Open(in.f, st.Size(), name); err != nil {
		in.Close()
		return nil, err
	}
	return in, nil
}

// currentSize is the file's size now (Size is its size when opened).
func (in *csvInput) currentSize() (int64, error) {
	st, err := in.f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// Close closes the file and removes the copy of standard input.
func (in *csvInput) Close() {
	in.f.Close()
	if in.tmpPath != "" {
		os.Remove(in.tmpPath)
	}
}

// projectTypes returns, for each column of header, the type project attributes give it
// (csvdata.KnownTypes, the rule the server's upload finalize uses too), from the
// attribute types as a project info lists them.
func projectTypes(header, names, types []string) []dataframe.Type {
	kinds := make([]dataframe.Type, len(names))
	for i := range names {
		if i < len(types) && len(types[i]) == 1 {
			kinds[i] = dataframe.Type(types[i][0])
		}
	}
	return csvdata.KnownTypes(header, names, kinds)
}

// inferTypes reads the whole file and returns its column types: those known (a
// project's) as given, the others inferred (csvdata). A column that needs a type is
// refused with the --types that would say it.
func inferTypes(ctx context.Context, in *csvInput, known []dataframe.Type, maxCategories int, prog *progress) ([]dataframe.Type, error) {
	if !slices.Contains(known, 0) {
		return known, nil
	}
	inf := in.NewInference(known, maxCategories)
	r := in.Records(in.Whole())
	for n := 0; ; n++ {
		rec, line, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		inf.Add(rec, line)
		if n%256 == 0 {
			prog.set(r.Offset())
			if ctx.Err() != nil {
				return nil, interruptedError{errInterrupted}
			}
		}
	}
	prog.set(in.Size())
	types, err := inf.Types()
	if err != nil {
		return nil, fmt.Errorf("%w; e.g. --types %s", err, typesFlag(types))
	}
	return types, nil
}

// typesFlag writes types as --types takes them: "C,C,T,B".
func typesFlag(types []dataframe.Type) string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = t.String()
	}
	return strings.Join(s, ",")
}

// parseTypes reads --types: one code per column, comma-separated.
func parseTypes(spec string, header []string) ([]dataframe.Type, error) {
	codes := strings.Split(spec, ",")
	if len(codes) != len(header) {
		return nil, usageError{fmt.Errorf("--types has %d codes for the %d columns of the header", len(codes), len(header))}
	}
	types := make([]dataframe.Type, len(codes))
	for i, c := range codes {
		c = strings.ToUpper(strings.TrimSpace(c))
		switch c {
		case "C", "B", "T", "X", "S":
			types[i] = dataframe.Type(c[0])
		default:
			return nil, usageError{fmt.Errorf("--types: column %d (%s): %q is not one of C, B, T, X, S", i+1, header[i], c)}
		}
	}
	return types, nil
}

// columnTypes decides the column types of a file for a command on a project: --types
// when given, else the project's types for the columns it knows and inference for the
// others, showing progress as "checked" bytes.
func columnTypes(ctx context.Context, in *csvInput, spec string, info projectAttrs, maxCategories int, stderr io.Writer, quiet bool, clk *progressClock) ([]dataframe.Type, error) {
	if spec != "" {
		return parseTypes(spec, in.Names)
	}
	known := projectTypes(in.Names, info.names, info.types)
	prog := newProgressUnit(stderr, "checked", true, in.Size(), quiet, clk)
	defer prog.finish()
	return inferTypes(ctx, in, known, maxCategories, prog)
}

// projectAttrs are a project's attribute names and types.
type projectAttrs struct{ names, types []string }
