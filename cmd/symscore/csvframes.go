package main

import (
	"context"
	"errors"
	"hash/maphash"
	"io"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/csvdata"
	"github.com/symscore/symscore/dataframe"
)

// framer cuts a CSV file into DataFrames of at most rows rows.
type framer struct {
	f     *csvdata.File
	types []dataframe.Type
	rows  int
	// sums are the hashes of the frames' payloads when validate checked them: a later
	// pass that makes a different payload reads a file that changed meanwhile.
	sums []uint64
	// size, when set, reads the file's size now: a file that grew or shrank since it was
	// opened has changed.
	size func() (int64, error)
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
	b     *csvdata.Batch    // its rows, with their lines
	df    *client.DataFrame // the same rows, to send
	end   int64             // the file offset past its last row
}

// lines returns a copy of the first line of each row.
func (fm *frame) lines() []int { return append([]int(nil), fm.b.Lines...) }

// each calls fn for every frame of the file, in order. Once ctx is done it stops with an
// interruptedError.
func (fr *framer) each(ctx context.Context, fn func(*frame) error) error {
	codes := make([]string, len(fr.types))
	for i, t := range fr.types {
		codes[i] = t.String()
	}
	df, err := client.NewDataFrame(fr.f.Names, codes)
	if err != nil {
		return err
	}
	fm := &frame{b: fr.f.NewBatch(fr.types), df: df}
	r := fr.f.Records(fr.f.Whole())
	for {
		err := fm.b.Fill(r, fr.rows)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return interruptedError{errInterrupted}
		}
		df.Reset()
		for i := range fm.b.Rows() {
			df.AddRow(fm.b.Row(i)...) // the width was checked by the reader
		}
		fm.end = r.Offset()
		if err := fn(fm); err != nil {
			return err
		}
		fm.index++
	}
}

// validate checks every frame of the file with the server's own rules
// (dataframe.Parser.ParseCells) and returns the number of rows and frames; the first
// refusal is an error at its file line and field. partition is the project's partition
// column, if any. It keeps the frames' hashes in fr.sums, and reports progress in bytes.
func (fr *framer) validate(ctx context.Context, mode dataframe.Mode, partition string, prog *progress) (rows, frames int, err error) {
	var p dataframe.Parser
	var buf []byte
	opts := dataframe.Options{Mode: mode, PartitionColumn: partition}
	fr.sums = fr.sums[:0]
	err = fr.each(ctx, func(fm *frame) error {
		if _, err := p.ParseCells(&fm.b.Cells, opts); err != nil {
			return fm.b.Place(err)
		}
		buf = fm.df.AppendJSON(buf[:0])
		fr.sums = append(fr.sums, maphash.Bytes(sumSeed, buf))
		rows += fm.b.Rows()
		frames++
		prog.set(fm.end)
		return nil
	})
	return rows, frames, err
}
