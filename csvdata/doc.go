// Package csvdata reads CSV files for learning: one reader and one type-inference rule
// for every command and endpoint that takes a CSV file.
//
// # Format
//
// RFC 4180: fields separated by commas, optionally in double quotes (a quoted field may
// hold commas, doubled quotes and newlines), records ended by "\n" or "\r\n" (the last
// one may be unended), UTF-8 text. The first record names the columns: each name is
// trimmed of spaces (the first of a byte order mark too), and must be non-empty and
// unique, and a header whose names are all numbers is refused as a missing header. Every
// record has as many fields as the header; blank lines are skipped. Anything else is an
// *Error.
//
// # Positions
//
// Every error says where: the file, the physical line (the header is line 1; a quoted
// newline starts a new line, so a record may span several) and, for a cell, the field
// number (1-based) and the column's name:
//
//	iris.csv:7:2: column "sepal_width": "abc" is not a number
//
// # Types
//
// Inference reads every row (sampling may pick a type the file contradicts later) and,
// ignoring empty cells, types a column B when every value is 0 or 1, C when every value is
// a number (the DataFrame rules of package dataframe: dataframe.NumberText), T otherwise,
// and never X. A type the caller already knows (a project's attribute) is used as is, and
// checked when the rows are converted. Two cases are refused rather than guessed, each
// with a message that says how to type the column: a column whose values are mostly
// numbers but not all (a typo in a numeric column must not become categories), and a
// column that would be T with more distinct values than a bound the caller gives (a
// unique id must not become thousands of attributes: it is X).
//
// # Parallel reading
//
// A File is read through an io.ReaderAt. Split cuts its records into parts at record
// boundaries — correct when quoted fields hold newlines — so that several goroutines can
// read one file, each with its own Records reader; each part knows its first physical
// line. Inference merges (Inference.Merge), and Batch turns records into
// dataframe.Cells for dataframe.Parser.ParseCells, whose refusals Batch.Place puts back
// at their file position.
//
// # Lifetimes and goroutines
//
// A File is immutable after Open and safe for concurrent use (its reads are ReadAt
// calls). A Records reader, a Batch and an Inference are owned by one goroutine. The
// record Records.Read returns is valid until the next Read; a Batch's strings stay valid
// until the Batch is reset.
package csvdata
