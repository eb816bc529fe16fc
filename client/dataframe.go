package client

import (
	"fmt"
	"strconv"
)

// Column types of a DataFrame (docs/protocol.md 3).
const (
	TypeContinuous = "C" // a number
	TypeBinary     = "B" // 0 or 1
	TypeCategory   = "T" // each distinct value becomes a binary attribute "name$value"
	TypeIgnore     = "X" // the server ignores the column
	TypePartition  = "S" // the partition column of a partition project only
)

// DataFrame builds the JSON payload of learn, forget and predict messages:
//
//	{"attributeNames":[...],"attributeTypes":[...],"data":[["1.5","0","x"],...]}
//
// followed by ,"errorHandling":N when set. Every cell is a JSON string; strings are escaped
// as JSON requires ('"', '\\', control characters; invalid UTF-8 becomes U+FFFD). An empty
// cell is a missing value: imputed in predict, refused in learn and forget. Rows are
// encoded as they are added, so a DataFrame holds one buffer, reused after Reset.
// Not safe for concurrent use.
type DataFrame struct {
	width int
	head  []byte // {"attributeNames":[...],"attributeTypes":[...],"data":[
	rows  []byte // the encoded rows, comma-separated
	n     int
	eh    int // errorHandling; -1: absent
}

// NewDataFrame returns an empty DataFrame with these column names and types (C, B, T, X
// or S). Names must be non-empty and as many as types.
func NewDataFrame(names, types []string) (*DataFrame, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("dataframe: no columns")
	}
	if len(names) != len(types) {
		return nil, fmt.Errorf("dataframe: %d names but %d types", len(names), len(types))
	}
	for i, n := range names {
		if n == "" {
			return nil, fmt.Errorf("dataframe: column %d has an empty name", i)
		}
		switch types[i] {
		case TypeContinuous, TypeBinary, TypeCategory, TypeIgnore, TypePartition:
		default:
			return nil, fmt.Errorf("dataframe: column %q: type %q is not one of C, B, T, X, S", n, types[i])
		}
	}
	d := &DataFrame{width: len(names), eh: -1}
	d.head = append(d.head, `{"attributeNames":`...)
	d.head = appendStrings(d.head, names)
	d.head = append(d.head, `,"attributeTypes":`...)
	d.head = appendStrings(d.head, types)
	d.head = append(d.head, `,"data":[`...)
	return d, nil
}

// SetErrorHandling sets "errorHandling": 0 refuses the whole message at its first bad
// row (the default when absent), 1 skips bad rows and applies the others; the reply then
// counts both (Reply.RowCounts). Any other n removes the key.
func (d *DataFrame) SetErrorHandling(n int) {
	if n != 0 && n != 1 {
		n = -1
	}
	d.eh = n
}

// AddRow appends one row: exactly one cell per column.
func (d *DataFrame) AddRow(cells ...string) error {
	if len(cells) != d.width {
		return fmt.Errorf("dataframe: row %d has %d cells, want %d", d.n, len(cells), d.width)
	}
	if d.n > 0 {
		d.rows = append(d.rows, ',')
	}
	d.rows = appendStrings(d.rows, cells)
	d.n++
	return nil
}

// Rows is the number of rows added since NewDataFrame or Reset.
func (d *DataFrame) Rows() int { return d.n }

// Len is the size in bytes of the JSON payload.
func (d *DataFrame) Len() int { return len(d.head) + len(d.rows) + len(`],"errorHandling":0}`) }

// Reset removes every row, keeping the columns, errorHandling and the buffer's memory.
func (d *DataFrame) Reset() { d.rows, d.n = d.rows[:0], 0 }

// AppendJSON appends the payload to dst.
func (d *DataFrame) AppendJSON(dst []byte) []byte {
	dst = append(dst, d.head...)
	dst = append(dst, d.rows...)
	dst = append(dst, ']')
	if d.eh >= 0 {
		dst = append(dst, `,"errorHandling":`...)
		dst = strconv.AppendInt(dst, int64(d.eh), 10)
	}
	return append(dst, '}')
}

// JSON returns the payload in a new slice.
func (d *DataFrame) JSON() []byte { return d.AppendJSON(make([]byte, 0, d.Len())) }

// String is the payload as a string.
func (d *DataFrame) String() string { return string(d.JSON()) }
