package model

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/symscore/symscore/dataframe"
)

// Binary encoding of Rows, the data of a rows record (package store). Little-endian;
// values as their IEEE 754 bits, so encode → decode is bit-exact. string = uvarint length
// + bytes.
//
//	uvarint c, then c × (string name, byte kind 'C'/'B')       the C and B columns
//	uvarint a, then a × string name                           the T attributes
//	uvarint t, then t × (uvarint attribute, string value)    the T-derived columns
//	uvarint n                                                 rows
//	byte flags                                                bit 0: partition values follow
//	n × c × float64                                           the C and B values, row-major
//	if t > 0: n × (uvarint k, k × uvarint gap)                the T-derived columns of each
//	          row, ascending: the first is gap, each next one is the previous + 1 + gap
//	if flags bit 0: n × string                                the partition values
//
// A T-derived column's name is "<attribute>$<value>"; a row holds 1 in the columns it
// lists and 0 in the other T-derived ones.

var errDecode = errors.New("malformed data")

// AppendBinary appends the encoding of r to b.
func (r *Rows) AppendBinary(b []byte) []byte {
	nCB := r.nCB()
	b = binary.AppendUvarint(b, uint64(nCB))
	for c, name := range r.cbNames {
		b = appendBytesField(b, name)
		b = append(b, byte(r.cbKinds[c]))
	}
	b = binary.AppendUvarint(b, uint64(len(r.tBases)))
	for _, name := range r.tBases {
		b = appendBytesField(b, name)
	}
	b = binary.AppendUvarint(b, uint64(len(r.tBase)))
	for j, a := range r.tBase {
		b = binary.AppendUvarint(b, uint64(a))
		b = appendBytesField(b, r.tValue[j])
	}
	b = binary.AppendUvarint(b, uint64(r.n))
	b = append(b, boolByte(r.part != nil))
	vals := r.vals[:r.n*nCB]
	b = growBytes(b, 8*len(vals))
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	if len(r.tBase) > 0 {
		for i := range r.n {
			ones := r.rowOnes(i)
			b = binary.AppendUvarint(b, uint64(len(ones)))
			prev := int32(-1)
			for _, o := range ones {
				b = binary.AppendUvarint(b, uint64(o-prev-1))
				prev = o
			}
		}
	}
	if r.part != nil {
		for _, v := range r.part[:r.n] {
			b = appendBytesField(b, v)
		}
	}
	return b
}

// UnmarshalBinary decodes an encoding written by AppendBinary into r, checking everything
// SetFrame checks (kinds, finite values within ±MaxMagnitude, B values 0 or 1) and the
// structure (counts that fit the input, T-derived columns of existing attributes, rows'
// columns ascending and existing). r aliases b until its next SetFrame or UnmarshalBinary.
// It allocates only to grow r's buffers.
func (r *Rows) UnmarshalBinary(b []byte) error {
	r.reset()
	d := binReader{b: b}
	nCB := d.count(2)
	r.ownNames, r.ownKinds = r.ownNames[:0], r.ownKinds[:0]
	for range nCB {
		r.ownNames = append(r.ownNames, d.field())
		k := dataframe.Type(d.byte())
		if d.err == nil && k != dataframe.TypeC && k != dataframe.TypeB {
			return fmt.Errorf("%w: column kind %d", errDecode, k)
		}
		r.ownKinds = append(r.ownKinds, k)
	}
	r.cbNames, r.cbKinds = r.ownNames, r.ownKinds
	na := d.count(1)
	for range na {
		r.tBases = append(r.tBases, d.field())
	}
	nt := d.count(2)
	for range nt {
		a := d.uvarint()
		if d.err == nil && a >= uint64(na) {
			return fmt.Errorf("%w: T-derived column of attribute %d of %d", errDecode, a, na)
		}
		r.tBase = append(r.tBase, int32(a))
		r.tValue = append(r.tValue, d.field())
	}
	perRow := 8 * nCB
	if nt > 0 {
		perRow++
	}
	n := d.uvarint()
	flags := d.byte()
	switch {
	case d.err != nil:
		return d.err
	case flags > 1:
		return fmt.Errorf("%w: flags %d", errDecode, flags)
	case perRow == 0 && n > 0:
		return fmt.Errorf("%w: rows without columns", errDecode)
	case perRow > 0 && n > uint64(len(d.b)/perRow):
		return fmt.Errorf("%w: %d rows in %d bytes", errDecode, n, len(d.b))
	}
	r.n = int(n)
	r.ownVals = growFloats(r.ownVals, r.n*nCB)
	r.vals = r.ownVals
	raw := d.take(8 * r.n * nCB)
	for i := range r.vals {
		r.vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	for i, v := range r.vals {
		if why := checkValue(v, r.cbKinds[i%nCB]); why != "" {
			return fmt.Errorf("%w: row %d, column %d: %v %s", errDecode, i/nCB, i%nCB, v, why)
		}
	}
	r.off = append(r.off, 0)
	for range r.n {
		if nt > 0 {
			k := d.count(1)
			prev := int64(-1)
			for range k {
				o := prev + 1 + int64(d.uvarint())
				if d.err == nil && (o >= int64(nt) || o < 0) {
					return fmt.Errorf("%w: T-derived column %d of %d", errDecode, o, nt)
				}
				r.ones = append(r.ones, int32(o))
				prev = o
			}
		}
		r.off = append(r.off, int32(len(r.ones)))
	}
	if flags == 1 {
		r.ownParts = r.ownParts[:0]
		for range r.n {
			r.ownParts = append(r.ownParts, d.field())
		}
		r.part = r.ownParts
	}
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errDecode, len(d.b))
	}
	return nil
}

// appendBytesField appends a string field: uvarint length, then the bytes.
func appendBytesField(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// growBytes makes room for n more bytes in one step.
func growBytes(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), 2*cap(b)+n)
	copy(nb, b)
	return nb
}

// binReader decodes the encodings of Rows and Delta; the first error sticks (wrapping
// errDecode) and later reads return zero values.
type binReader struct {
	b   []byte
	err error
}

func (d *binReader) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated", errDecode)
	}
	d.b = nil
}

func (d *binReader) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *binReader) byte() byte {
	if v := d.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (d *binReader) uint64() uint64 {
	if v := d.take(8); v != nil {
		return binary.LittleEndian.Uint64(v)
	}
	return 0
}

func (d *binReader) float() float64 { return math.Float64frombits(d.uint64()) }

func (d *binReader) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a count of items that take at least minBytes each, refusing counts the rest
// of the input cannot hold.
func (d *binReader) count(minBytes int) int {
	v := d.uvarint()
	if d.err == nil && v > uint64(len(d.b)/minBytes) {
		d.fail()
	}
	if d.err != nil {
		return 0
	}
	return int(v)
}

// field reads a string field, aliasing the input.
func (d *binReader) field() []byte {
	n := d.count(1)
	if d.err != nil {
		return nil
	}
	return d.take(n)
}
