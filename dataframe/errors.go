package dataframe

import (
	"errors"
	"strconv"

	"github.com/symscore/symscore/ident"
)

// Sentinel errors wrapped by limit refusals; the server counts them.
var (
	ErrTooManyRows    = errors.New("dataframe: too many rows")
	ErrTooManyColumns = errors.New("dataframe: too many columns")
	// ErrNameTooLong is ident.ErrTooLong: a name past Options.MaxNameBytes.
	ErrNameTooLong = ident.ErrTooLong
)

// Error is a refused DataFrame. Msg is meant for the client: it says what was wrong and
// where, and quotes at most 40 bytes of any input value.
type Error struct {
	// Row is the index of the offending row in "data" (0-based), or -1.
	Row int
	// Column is the index of the offending column in "attributeNames" (0-based), or -1.
	Column int
	// Msg is the client-facing text, e.g. `row 3, column "sepal_width": "abc" is not a number`.
	Msg string
	// Err is ErrTooManyRows, ErrTooManyColumns or ErrNameTooLong for limit refusals, nil
	// otherwise.
	Err error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the limit sentinel, if any.
func (e *Error) Unwrap() error { return e.Err }

// maxQuote is how many bytes of client input an error message quotes.
const maxQuote = 40

// appendQuoted appends b as a Go-quoted string cut at maxQuote bytes ("..." marks a cut).
func appendQuoted(dst, b []byte) []byte {
	if len(b) > maxQuote {
		dst = strconv.AppendQuote(dst, string(b[:maxQuote]))
		return append(dst[:len(dst)-1], `..."`...)
	}
	return strconv.AppendQuote(dst, string(b))
}

// quote is appendQuoted as a string.
func quote(b []byte) string { return string(appendQuoted(nil, b)) }

// messageError is a refusal of the whole message (no row, no column).
func messageError(msg string) *Error { return &Error{Row: -1, Column: -1, Msg: msg} }

// cellError is a refusal located at a row and column; name is the column's attribute name.
func cellError(row, col int, name []byte, what string) *Error {
	b := make([]byte, 0, 64+len(what))
	b = append(b, "row "...)
	b = strconv.AppendInt(b, int64(row), 10)
	if col >= 0 {
		b = append(b, ", column "...)
		b = appendQuoted(b, name)
	}
	b = append(b, ": "...)
	b = append(b, what...)
	return &Error{Row: row, Column: col, Msg: string(b)}
}
