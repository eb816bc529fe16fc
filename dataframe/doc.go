// Package dataframe parses and validates SymetryML DataFrames into reusable columnar
// buffers.
//
// A DataFrame is a JSON object:
//
//	{"attributeNames":["a","b","kind"],"attributeTypes":["C","B","T"],
//	 "data":[["1.5","0","x"],["2","1","y"]],"errorHandling":1}
//
// A Parser turns it into a Frame: the expanded, row-major float64 matrix of the columns a
// project learns, with one name per column. T columns become binary columns named
// "<name>$<value>" (value trimmed of bytes ≤ 0x20 like Java's String.trim, and lower-cased);
// a value gets the same column in every row, and those columns follow the C and B columns
// in the order their values first appear (row by row, left to right). X columns are
// dropped; an S column is allowed only as Options.PartitionColumn, whose values (as sent)
// go to Frame.Partition. A T partition column is also expanded.
//
// A Binary is the same DataFrame of C and B columns with its values as one little-endian
// float64 matrix (the RPC endpoint's binary form); ParseBinary gives the Frame Parse gives
// for the JSON of the same names and values, with the same rules (a test checks the two
// against each other).
//
// # Decisions
//
//   - Cells are JSON strings, as SymetryML clients send them; JSON numbers are accepted too
//     and read from their JSON text, so [1.5, "2"] is two numbers. null counts as an empty
//     cell. For X columns any JSON value is accepted.
//   - Numbers: leading and trailing bytes ≤ 0x20 are trimmed (Java's Double.parseDouble
//     does the same), then the cell must be a decimal number — optional sign, digits with at
//     most one '.', optional exponent ("4.3", "1.0E-5", ".5", "5."). Hex floats,
//     underscores and Java's "d"/"f" suffixes are not numbers; "NaN", "Inf" and
//     "Infinity" are refused as not finite; magnitudes past float64 are refused as out of
//     range; underflow reads as 0 (or a subnormal), as in Java. Values are correctly
//     rounded (strconv.ParseFloat semantics).
//   - B cells are numbers equal to 0 or 1 ("0", "1", "0.0", "1.0"; -0 reads as 0).
//   - Type codes are exactly one of C, B, T, X, S (upper case). L (SymetryML's encoder
//     input) and other codes are refused, as is S anywhere but the partition column.
//   - The DataFrame object follows the rules of every JSON object symscore reads (package
//     jsonstrict): a key other than attributeNames, attributeTypes, data and
//     errorHandling, a key that appears twice, and a string escape JSON does not define
//     (\x, or a surrogate escape that is not half of a pair, such as a lone \ud800) are
//     refused, as is a payload that is not an object.
//   - Attribute names, the "name$value" names T values make and (in learn mode) partition
//     values follow package ident's rule for names and Options.MaxNameBytes: a bad
//     attribute name refuses the message; a T value or partition value that makes a bad
//     name is a bad cell; a name past the limit is a limit refusal (ErrNameTooLong). In
//     predict mode a T value's name is only bounded in length: it is looked up, never
//     kept.
//   - A learn DataFrame with no rows ("data" empty) is refused: learn and forget need at
//     least one. Under errorHandling 1 a DataFrame whose rows are all bad is not empty: its
//     reply counts them.
//   - "errorHandling" is the JSON number 0 or 1 (absent = 0). With 0 the first bad cell
//     refuses the whole message; with 1 bad rows — including rows of the wrong width and
//     rows that are not arrays — are skipped (Frame.Skipped) and their T values create no
//     column. Limit refusals and message-level errors (names, types, shape) refuse the
//     message in both modes.
//   - Errors name the row (0-based index in "data") and the column (its attribute name),
//     and quote at most 40 bytes of the offending value, e.g.
//     `row 3, column "sepal_width": "abc" is not a number`.
//   - ModeLearn refuses empty cells; ModePredict reads them as missing (NaN; a missing T
//     value is NaN in every column of that attribute). A partition project's learn frame
//     must carry the partition column and a non-empty value in every row.
//
// # Limits
//
// Options.MaxRows bounds len(data); Options.MaxColumns bounds both the DataFrame's columns
// and the Frame's expanded columns; Options.MaxCells bounds Rows × columns of the Frame
// (T expansion can make a small message into a large matrix); Options.MaxNameBytes bounds
// every name. Refusals are *Error values wrapping ErrTooManyRows, ErrTooManyColumns or
// ErrNameTooLong. Zero means unlimited (for names: ident.DefaultMaxBytes); the server sets
// them. Message bytes are limited by the caller before parsing; JSON nesting is limited
// by fastjson (depth 300).
//
// # Reading
//
// The grammar is fastjson's: RFC 8259 plus what fastjson tolerates (bytes in strings are
// not checked, a number is any run of digits, signs, dots and exponents, or NaN or Inf),
// less what package jsonstrict refuses (unknown keys, repeated keys, bad escapes). Parse reads a DataFrame in one pass with its own
// scanner, writing cells straight into the Frame's buffers; anything the scanner does not
// read and every refusal but a bad row go to the fastjson implementation, which thereby
// defines what is accepted and every message. Tests check the two against each other
// (differential_test.go, FuzzParseDifferential). A Parser remembers the columns of the
// last attributeNames and attributeTypes it read and reuses them while a client repeats
// both arrays byte for byte.
//
// # Lifetimes and goroutines
//
// A Parser is owned by one goroutine (one per connection) and reuses every buffer of its
// Frame: after warm-up, parsing a C/B DataFrame allocates nothing. The Frame, its slices
// and its names are valid until the Parser's next Parse; copy what must outlive it.
package dataframe
