package main

import (
	"errors"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/dataframe"
)

// framer cuts a CSV file into DataFrames of at most rows rows.
type framer struct {
	f     *csvFile
	types []string
	rows  int
	// sums are the hashes of the frames' payloads when validate checked them: a later
	// pass that makes a different payload reads a file that changed meanwhile.
	sums []uint64
}

// sumSeed seeds the frame hashes; one per process is enough, they are compared within
// one command.
var sumSeed = maphash.MakeSeed()

// changed reports whether frame fm's payload differs from the one validate checked.
func (fr *framer) changed(fm *frame, payload []byte) bool {
	return fm.index >= len(fr.sums) || maphash.Bytes(sumSeed, payload) != fr.sums[fm.index]
}

// frame is one DataFrame of the file, valid until the callback returns.
type frame struct {
	index int               // 0-based
	df    *client.DataFrame // its rows
	lines []int             // the file line of each row
	recs  [][]string        // copies of the rows' fields, when framer.each was asked to keep them
}

// each calls fn for every frame of the file, in order. With keep, frame.recs holds copies
// of the fields (predict writes them back out).
func (fr framer) each(keep bool, fn func(*frame) error) error {
	df, err := client.NewDataFrame(fr.f.header, fr.types)
	if err != nil {
		return err
	}
	fm := &frame{df: df}
	flush := func() error {
		if df.Rows() == 0 {
			return nil
		}
		err := fn(fm)
		fm.index++
		df.Reset()
		fm.lines = fm.lines[:0]
		fm.recs = nil
		return err
	}
	err = fr.f.scan(func(line int, rec []string) error {
		df.AddRow(rec...) // the width was checked by the CSV reader
		fm.lines = append(fm.lines, line)
		if keep {
			fm.recs = append(fm.recs, append([]string(nil), rec...))
		}
		if df.Rows() >= fr.rows {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// validate parses every frame of the file as the server will (dataframe.Parser, the
// server's own rules) and returns the number of rows and frames; the first refusal is an
// error naming the file line. partition is the project's partition column, if any. It
// keeps the frames' hashes in fr.sums.
func (fr *framer) validate(mode dataframe.Mode, partition string) (rows, frames int, err error) {
	var p dataframe.Parser
	var buf []byte
	opts := dataframe.Options{Mode: mode, PartitionColumn: partition}
	err = fr.each(false, func(fm *frame) error {
		buf = fm.df.AppendJSON(buf[:0])
		if _, err := p.Parse(buf, opts); err != nil {
			return fr.placeError(fm, err)
		}
		fr.sums = append(fr.sums, maphash.Bytes(sumSeed, buf))
		rows += fm.df.Rows()
		frames++
		return nil
	})
	return rows, frames, err
}

// placeError turns a refusal of frame fm (the server's or the local parser's) into an
// error naming the file and line.
func (fr framer) placeError(fm *frame, err error) error {
	var de *dataframe.Error
	if errors.As(err, &de) && de.Row >= 0 && de.Row < len(fm.lines) {
		msg := strings.TrimPrefix(de.Msg, fmt.Sprintf("row %d", de.Row))
		msg = strings.TrimPrefix(msg, ", ")
		msg = strings.TrimPrefix(msg, ": ")
		return fmt.Errorf("%s:%d: %s", fr.f.path, fm.lines[de.Row], msg)
	}
	return fmt.Errorf("%s: %s", fr.f.lineRange(fm), errMsg(err))
}

// lineRange names the lines of a frame.
func (f *csvFile) lineRange(fm *frame) string {
	return fmt.Sprintf("%s:%d-%d", f.path, fm.lines[0], fm.lines[len(fm.lines)-1])
}

func errMsg(err error) string {
	var de *dataframe.Error
	if errors.As(err, &de) {
		return de.Msg
	}
	return err.Error()
}
