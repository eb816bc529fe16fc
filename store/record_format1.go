package store

import (
	"encoding/binary"
	"math"

	"github.com/symscore/symscore/dataframe"
)

// Format 1 learn and forget records hold the frame as the project saw it, T columns
// expanded: uvarint columns; per column name, kind byte (C or B), base name of a T column
// (or empty); uvarint rows; byte 1 if a partition value follows each row; rows × columns
// float64 (IEEE bits, row major); the partition values. Format 2 writes model.Rows instead
// (the T values once each, never the expansion); format 1 records are still replayed.

// frameBuffer holds a decoded frame and its buffers, reused across records.
type frameBuffer struct {
	f     dataframe.Frame
	bases map[string]int
}

func (fb *frameBuffer) decode(r *reader) *dataframe.Frame {
	f := &fb.f
	cols := r.count(3)
	f.Names, f.Kinds, f.Base = f.Names[:0], f.Kinds[:0], f.Base[:0]
	f.SourceNames, f.SourceTypes = f.SourceNames[:0], f.SourceTypes[:0]
	if fb.bases == nil {
		fb.bases = make(map[string]int)
	}
	clear(fb.bases)
	for range cols {
		name := r.bytes()
		kind := dataframe.Type(r.byte())
		base := r.bytes()
		if kind != dataframe.TypeC && kind != dataframe.TypeB {
			r.fail()
		}
		bi := -1
		if len(base) > 0 {
			i, ok := fb.bases[string(base)]
			if !ok {
				i = len(f.SourceNames)
				fb.bases[string(base)] = i
				f.SourceNames = append(f.SourceNames, base)
				f.SourceTypes = append(f.SourceTypes, dataframe.TypeT)
			}
			bi = i
		}
		f.Names = append(f.Names, name)
		f.Kinds = append(f.Kinds, kind)
		f.Base = append(f.Base, bi)
	}
	rows := r.count(1)
	hasPart := r.byte()
	n := rows * cols
	if r.err != nil || hasPart > 1 || uint64(n) > uint64(len(r.b))/8 || (cols == 0 && rows > 0) {
		r.fail()
		return f
	}
	if cap(f.Vals) < n {
		f.Vals = make([]float64, n)
	}
	f.Vals = f.Vals[:n]
	for i := range f.Vals {
		f.Vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(r.b[8*i:]))
	}
	r.b = r.b[8*n:]
	f.Rows, f.Skipped, f.ErrorHandling = rows, 0, 0
	f.SkippedRows = f.SkippedRows[:0]
	f.Partition = f.Partition[:0]
	if hasPart == 1 {
		for range rows {
			f.Partition = append(f.Partition, r.bytes())
		}
	} else {
		f.Partition = nil
	}
	return f
}
