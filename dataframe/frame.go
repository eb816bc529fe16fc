package dataframe

// Mode says how empty cells are treated.
type Mode uint8

const (
	// ModeLearn refuses empty (or null) cells: learn and forget need every value.
	ModeLearn Mode = iota
	// ModePredict reads an empty (or null) cell as a missing value: NaN in Vals.
	ModePredict
)

// Options are the per-message parsing rules. The zero value parses a learn DataFrame with
// no limits and no partition column.
type Options struct {
	Mode Mode
	// MaxRows bounds len(data); 0 = unlimited. Refusals wrap ErrTooManyRows.
	MaxRows int
	// MaxColumns bounds both the DataFrame's columns and the expanded columns of the Frame
	// (after T expansion); 0 = unlimited. Refusals wrap ErrTooManyColumns.
	MaxColumns int
	// MaxCells bounds Rows × len(Names) of the expanded Frame, i.e. the float64s Parse
	// allocates: T expansion can turn a small message into a large dense matrix.
	// 0 = unlimited. Refusals wrap ErrTooManyColumns.
	MaxCells int
	// PartitionColumn names the partition column of a partition project, the only column
	// allowed to be typed S; "" = none.
	PartitionColumn string
	// MaxNameBytes bounds attribute names, the "name$value" names of T expansion and
	// partition values (limits.max_name_bytes); 0 = ident.DefaultMaxBytes. Refusals wrap
	// ErrNameTooLong.
	MaxNameBytes int
}

// Frame is the expanded, columnar view of one DataFrame. It and every slice it holds are
// owned by the Parser that returned it and are valid until that Parser's next Parse.
type Frame struct {
	// Names are the expanded column names: C and B columns as sent, in DataFrame order,
	// then the "name$value" columns of T attributes (value trimmed and lower-cased) in the
	// order their values first appear (row by row, left to right). X columns and an S
	// partition column are dropped.
	Names [][]byte
	// Kinds is TypeC or TypeB for each expanded column (T-derived columns are TypeB).
	Kinds []Type
	// Base is, for a T-derived column, the index of its source column in SourceNames;
	// -1 for C and B columns.
	Base []int
	// SourceNames and SourceTypes are the DataFrame's attributeNames and attributeTypes as
	// sent (every column, X and S included).
	SourceNames [][]byte
	SourceTypes []Type
	// Rows is the number of rows kept.
	Rows int
	// Vals holds Rows × len(Names) values, row-major. In ModeLearn every value is finite and
	// B columns are 0 or 1; in ModePredict NaN marks a missing value.
	Vals []float64
	// Partition holds, per kept row, the partition column's value as sent (JSON-unescaped),
	// when Options.PartitionColumn is set and the column is present; nil otherwise.
	Partition [][]byte
	// Skipped counts rows skipped under errorHandling 1.
	Skipped int
	// SkippedRows are the indexes in "data" of the rows skipped under errorHandling 1,
	// ascending (len(SkippedRows) == Skipped): a predict reply answers them in place.
	SkippedRows []int
	// ErrorHandling is the DataFrame's errorHandling (0 or 1).
	ErrorHandling int
	// Layout names the Frame's columns: two Frames of the same non-zero Layout, from any
	// Parsers, have the same Names, Kinds, Base, SourceNames and SourceTypes, so that what
	// a caller derived from one Frame's columns holds for the other (model.Plan). A Parser
	// gives a new number whenever it lays columns out anew, never an old one; 0 when the
	// Frame has T-derived columns (they vary with the rows).
	Layout uint64
}

// Width is len(Names).
func (f *Frame) Width() int { return len(f.Names) }

// Row returns the values of kept row r (aliasing Vals).
func (f *Frame) Row(r int) []float64 {
	w := len(f.Names)
	return f.Vals[r*w : (r+1)*w : (r+1)*w]
}
