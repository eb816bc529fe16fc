package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Column types are inferred from every row of the file, ignoring empty cells (learn
// refuses them anyway, with their line; predict imputes them): every value 0 or 1 → B,
// every value a number → C, anything else → T. A column with no value at all is T.

// inferTypes reads the whole file and returns one type per header column.
func inferTypes(f *csvFile) ([]string, error) {
	n := len(f.header)
	number := make([]bool, n)
	binary := make([]bool, n)
	seen := make([]bool, n)
	for i := range n {
		number[i], binary[i] = true, true
	}
	err := f.scan(func(_ int, rec []string) error {
		for i, cell := range rec {
			if !number[i] && !binary[i] {
				continue
			}
			v, ok, empty := cellNumber(cell)
			if empty {
				continue
			}
			seen[i] = true
			number[i] = number[i] && ok
			binary[i] = binary[i] && ok && (v == 0 || v == 1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	types := make([]string, n)
	for i := range n {
		switch {
		case !seen[i]:
			types[i] = "T"
		case binary[i]:
			types[i] = "B"
		case number[i]:
			types[i] = "C"
		default:
			types[i] = "T"
		}
	}
	return types, nil
}

// cellNumber reads a cell as the server does (dataframe's rules): bytes ≤ 0x20 trimmed,
// then a decimal number with an optional sign, one '.', an optional exponent; no hex, no
// underscores, no NaN or Inf, nothing past float64's range (underflow reads as 0).
func cellNumber(cell string) (v float64, ok, empty bool) {
	s := strings.TrimFunc(cell, func(r rune) bool { return r <= ' ' })
	if s == "" {
		return 0, false, true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E') {
			return 0, false, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && (!strings.Contains(err.Error(), "out of range") || math.IsInf(v, 0)) {
		return 0, false, false
	}
	return v, true, false
}

// parseTypes reads --types: one code per column, comma-separated.
func parseTypes(spec string, header []string) ([]string, error) {
	types := strings.Split(spec, ",")
	if len(types) != len(header) {
		return nil, usageError{fmt.Errorf("--types has %d codes for the %d columns of the header", len(types), len(header))}
	}
	for i, t := range types {
		t = strings.ToUpper(strings.TrimSpace(t))
		switch t {
		case "C", "B", "T", "X", "S":
		default:
			return nil, usageError{fmt.Errorf("--types: column %d (%s): %q is not one of C, B, T, X, S", i+1, header[i], t)}
		}
		types[i] = t
	}
	return types, nil
}
