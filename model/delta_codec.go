package model

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/symscore/symscore/dataframe"
)

// Binary encoding of a Delta, the data of a summary-delta record (package store).
// Little-endian; floats as their IEEE 754 bits, so encode → decode is bit-exact.
// string = uvarint length + bytes.
//
//	uvarint d, then d × (string name, byte kind 'C'/'B', string base)
//	d × float64 min, d × float64 max
//	byte partitioned (0 or 1)
//	summary total
//	if partitioned: uvarint P, then P × (string value, summary), values sorted and distinct
//
//	summary = varint n, runs of the d shifts k, runs of the d sums S1 (hi, lo),
//	          runs of the d(d+1)/2 sums S2 (hi, lo; packed upper triangle, column-major)
//	runs    = until the array is covered: uvarint zeros, uvarint m, m values
//
// A run skips zeros values whose bits are all 0 (+0, or +0 + +0 for a double-double),
// then gives m values: the one-hot columns of T attributes make most co-moments of a
// delta zero, and those cost nothing.

// AppendBinary appends the encoding of d to b.
func (d *Delta) AppendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(d.names)))
	for i, name := range d.names {
		b = appendString(b, name)
		b = append(b, byte(d.kinds[i]))
		b = appendString(b, d.base[i])
	}
	b = appendFloats(b, d.min)
	b = appendFloats(b, d.max)
	b = append(b, boolByte(d.partitioned))
	b = d.total.appendRuns(b)
	if d.partitioned {
		b = binary.AppendUvarint(b, uint64(len(d.partKeys)))
		for _, k := range d.partKeys {
			b = appendString(b, k)
			b = d.parts[k].appendRuns(b)
		}
	}
	return b
}

func (s *summary) appendRuns(b []byte) []byte {
	b = binary.AppendVarint(b, s.n)
	b = appendFloatRuns(b, s.k)
	b = appendDDRuns(b, s.s1)
	return appendDDRuns(b, s.s2)
}

func appendFloatRuns(b []byte, xs []float64) []byte {
	for i := 0; i < len(xs); {
		z := i
		for z < len(xs) && math.Float64bits(xs[z]) == 0 {
			z++
		}
		m := z
		for m < len(xs) && math.Float64bits(xs[m]) != 0 {
			m++
		}
		b = binary.AppendUvarint(b, uint64(z-i))
		b = binary.AppendUvarint(b, uint64(m-z))
		b = appendFloats(b, xs[z:m])
		i = m
	}
	return b
}

func ddZero(v dd) bool { return math.Float64bits(v.hi)|math.Float64bits(v.lo) == 0 }

func appendDDRuns(b []byte, xs []dd) []byte {
	for i := 0; i < len(xs); {
		z := i
		for z < len(xs) && ddZero(xs[z]) {
			z++
		}
		m := z
		for m < len(xs) && !ddZero(xs[m]) {
			m++
		}
		b = binary.AppendUvarint(b, uint64(z-i))
		b = binary.AppendUvarint(b, uint64(m-z))
		b = growBytes(b, 16*(m-z))
		for _, v := range xs[z:m] {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.hi))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.lo))
		}
		i = m
	}
	return b
}

// Decode decodes an encoding written by AppendBinary into d (reset, its buffers
// reused). It refuses what no encoder writes — kinds other than C and B, a C column with a
// base name, names twice, extremes out of range, sums no rows can make (see
// summary.outOfRange), partitions out of order, empty or not adding up to the total — and
// a delta past lim (more attributes or partitions than lim allows, or summaries taking more
// than lim.MaxStateBytes: no project could learn it, so none was logged), so that a short
// input never makes it allocate more than lim allows.
func (d *Delta) Decode(b []byte, lim Limits) error {
	lim = lim.Resolved()
	r := binReader{b: b}
	dim := r.count(3)
	if r.err == nil && dim > lim.MaxAttributes {
		return fmt.Errorf("%w: %d columns; the limit is %d", errDecode, dim, lim.MaxAttributes)
	}
	if b := summaryBytes(dim); b > lim.MaxStateBytes {
		return fmt.Errorf("%w: %d bytes of summaries; the limit is %d", errDecode, b, lim.MaxStateBytes)
	}
	d.Reset(false)
	for i := 0; i < dim && r.err == nil; i++ {
		name := r.field()
		kind := dataframe.Type(r.byte())
		base := r.field()
		if r.err != nil {
			break
		}
		if kind != dataframe.TypeC && kind != dataframe.TypeB || kind == dataframe.TypeC && len(base) > 0 {
			return fmt.Errorf("%w: column %s of kind %d with base %s", errDecode, quote(string(name)), kind, quote(string(base)))
		}
		if _, dup := d.index[string(name)]; dup {
			return fmt.Errorf("%w: column %s twice", errDecode, quote(string(name)))
		}
		d.addColumn(d.reuseName(i, name), kind, d.reuseBase(i, base))
	}
	for _, xs := range [][]float64{d.min, d.max} {
		for i := range xs {
			xs[i] = r.float()
		}
	}
	part := r.byte()
	if r.err != nil {
		return r.err
	}
	for i := range d.min {
		lo, hi := d.min[i], d.max[i]
		switch {
		case lo == inf && hi == -inf:
		case !(math.Abs(lo) <= MaxMagnitude && math.Abs(hi) <= MaxMagnitude && lo <= hi),
			d.kinds[i] == dataframe.TypeB && (lo != 0 && lo != 1 || hi != 0 && hi != 1):
			return fmt.Errorf("%w: extremes of column %s", errDecode, quote(d.names[i]))
		}
	}
	if part > 1 {
		return fmt.Errorf("%w: partitioned byte %d", errDecode, part)
	}
	d.partitioned = part == 1
	if err := r.runs(d.total); err != nil {
		return err
	}
	if d.partitioned {
		np := r.count(2)
		if np > lim.MaxPartitions {
			return fmt.Errorf("%w: %d partitions; the limit is %d", errDecode, np, lim.MaxPartitions)
		}
		if b := int64(1+np) * summaryBytes(dim); b > lim.MaxStateBytes {
			return fmt.Errorf("%w: %d bytes of summaries; the limit is %d", errDecode, b, lim.MaxStateBytes)
		}
		var sum int64
		for i := 0; i < np && r.err == nil; i++ {
			key := r.field()
			if r.err != nil {
				break
			}
			if len(key) == 0 || i > 0 && string(key) <= d.partKeys[i-1] {
				return fmt.Errorf("%w: partition %s out of order", errDecode, quote(string(key)))
			}
			s := d.partition(key)
			if err := r.runs(s); err != nil {
				return err
			}
			if s.n <= 0 {
				return fmt.Errorf("%w: empty partition %s", errDecode, quote(string(key)))
			}
			sum += s.n
		}
		if r.err == nil && sum != d.total.n {
			return fmt.Errorf("%w: partition counts do not add up to the total", errDecode)
		}
	}
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errDecode, len(r.b))
	}
	return nil
}

// runs reads a summary written by appendRuns into s, whose dimension is set.
func (r *binReader) runs(s *summary) error {
	n, k := binary.Varint(r.b)
	if r.err != nil || k <= 0 {
		r.fail()
		return r.err
	}
	r.b = r.b[k:]
	s.n = n
	r.floatRuns(s.k)
	r.ddRuns(s.s1)
	r.ddRuns(s.s2)
	if r.err != nil {
		return r.err
	}
	if why := s.outOfRange(); why != "" {
		return fmt.Errorf("%w: summary (%s)", errDecode, why)
	}
	return nil
}

// run reads one run's header for an array with left values to go: the zeros to skip and
// the values that follow, each of size bytes.
func (r *binReader) run(left, size int) (zeros, m int) {
	z, v := r.uvarint(), r.uvarint()
	if r.err != nil || z > uint64(left) || v > uint64(left)-z || v > uint64(len(r.b)/size) || z+v == 0 {
		r.fail()
		return 0, 0
	}
	return int(z), int(v)
}

func (r *binReader) floatRuns(xs []float64) {
	for i := 0; i < len(xs) && r.err == nil; {
		z, m := r.run(len(xs)-i, 8)
		clear(xs[i : i+z])
		i += z
		for range m {
			xs[i] = r.float()
			i++
		}
	}
}

func (r *binReader) ddRuns(xs []dd) {
	for i := 0; i < len(xs) && r.err == nil; {
		z, m := r.run(len(xs)-i, 16)
		clear(xs[i : i+z])
		i += z
		for range m {
			xs[i] = dd{r.float(), r.float()}
			i++
		}
	}
}
