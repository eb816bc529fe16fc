package dataframe

// Type is a DataFrame attribute type code.
type Type byte

// Attribute type codes.
const (
	TypeC Type = 'C' // continuous
	TypeB Type = 'B' // binary, 0 or 1
	TypeT Type = 'T' // category, expanded into "<name>$<value>" binary attributes
	TypeX Type = 'X' // ignored column
	TypeS Type = 'S' // string: only the partition column of a partition project
)

// String is the one-letter code, e.g. "C".
func (t Type) String() string {
	switch t {
	case TypeC:
		return "C"
	case TypeB:
		return "B"
	case TypeT:
		return "T"
	case TypeX:
		return "X"
	case TypeS:
		return "S"
	}
	return string(rune(t))
}
