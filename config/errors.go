package config

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a configuration, tied to its key.
type Problem struct {
	// Key is the dotted key ("limits.max_rows", "customers[0].secrets[1]") or, for an
	// unknown environment variable, its name. Empty when no key applies.
	Key string
	// Msg says what is wrong, e.g. "must be > 0".
	Msg string
}

func (p Problem) String() string {
	if p.Key == "" {
		return p.Msg
	}
	return p.Key + ": " + p.Msg
}

// Error reports every problem found in a configuration at once. Load and Validate return
// it; callers that need the keys use errors.As.
type Error struct {
	Problems []Problem // in the order found: sources, then keys in declaration order
}

// Error lists the problems, one "key: message" per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects Problems; its err is nil when there are none.
type problems []Problem

func (ps *problems) add(key, format string, args ...any) {
	*ps = append(*ps, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &Error{Problems: ps}
}
