package csvdata

import (
	"strconv"
	"strings"
)

// Error is a refusal of a CSV file, placed in it.
type Error struct {
	// Path names the file as the caller gave it.
	Path string
	// Line is the physical line (1-based, the header is 1); 0 for the whole file.
	Line int
	// Field is the 1-based field number within the record, 0 when the error is not
	// about one cell; Column is then the column's name.
	Field  int
	Column string
	// Msg says what is wrong, quoting at most 40 bytes of the file.
	Msg string
}

// Error formats the position, then the message: "path:line:field: column "name": msg",
// "path:line: msg" or "path: msg".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
		if e.Field > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Field))
		}
	}
	b.WriteString(": ")
	if e.Field > 0 && e.Column != "" {
		b.WriteString("column ")
		b.WriteString(quote(e.Column))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxQuote is how many bytes of the file a message quotes.
const maxQuote = 40

// quote quotes s for a message, cut at maxQuote bytes ("..." marks a cut).
func quote(s string) string {
	if len(s) > maxQuote {
		return strconv.Quote(s[:maxQuote]) + "..."
	}
	return strconv.Quote(s)
}
