package store

import (
	"encoding/binary"
	"math"

	"github.com/symscore/symscore/dataframe"
)

// appendRecordHead1 starts a format 1 record (a log written before format 2).
func appendRecordHead1(b []byte, kind byte, cid, pid string) []byte {
	b = append(b, recordFormat1, kind, 0, 0, 0, 0, 0, 0, 0, 0)
	b = appendString(b, cid)
	return appendString(b, pid)
}

// appendFrame encodes a learn or forget record holding the frame's kept rows, the columns
// as the project sees them (name, kind, base name of T-derived columns) and the partition
// values. It allocates only when b must grow.
func appendFrame1(b []byte, kind byte, cid, pid string, f *dataframe.Frame) []byte {
	b = appendRecordHead1(b, kind, cid, pid)
	b = binary.AppendUvarint(b, uint64(len(f.Names)))
	for c, name := range f.Names {
		b = appendBytes(b, name)
		b = append(b, byte(f.Kinds[c]))
		var base []byte
		if i := f.Base[c]; i >= 0 && i < len(f.SourceNames) {
			base = f.SourceNames[i]
		}
		b = appendBytes(b, base)
	}
	b = binary.AppendUvarint(b, uint64(f.Rows))
	hasPart := f.Partition != nil
	if hasPart {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	vals := f.Vals[:f.Rows*len(f.Names)]
	b = growBy(b, 8*len(vals))
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	if hasPart {
		for _, v := range f.Partition[:f.Rows] {
			b = appendBytes(b, v)
		}
	}
	return b
}

// growBy makes room for n more bytes in one step.
func growBy(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), 2*cap(b)+n)
	copy(nb, b)
	return nb
}
