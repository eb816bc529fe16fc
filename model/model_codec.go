package model

import (
	"encoding/binary"
	"math"
	"time"
)

// Binary model format, version 1 (little-endian; uvarint lengths; floats as their IEEE-754
// bits, so a decoded model predicts bit for bit as the original):
//
//	"SYMSCORE-MODEL" version(uvarint = 1)
//	id algo                                 string = uvarint length + bytes
//	created(unix ns, varint) buildTime(ns, varint) rows(varint)
//	inputs []string  inputIdx []int  targets []string  targetIdx []int  classes []string
//	params: uvarint count, then name []float64 each
//	means []float64  inM []float64  tol float64
//	fit kind byte (1 lda, 2 mlda/mqda, 3 bayes, 4 linear: each fit's file names its tag)
//	and its fields (the fit's encode)
//
// Decoding checks every length against the remaining input before allocating and every
// dimension against the inputs and classes, so a corrupt or hostile blob is an error, never a
// panic or a model that could panic in Predict.
const (
	codecMagic   = "SYMSCORE-MODEL"
	codecVersion = 1
)

// MarshalBinary encodes the model (encoding.BinaryMarshaler).
func (m *Model) MarshalBinary() ([]byte, error) {
	e := &encoder{b: make([]byte, 0, 256+8*len(m.inM))}
	e.b = append(e.b, codecMagic...)
	e.uvarint(codecVersion)
	e.str(m.id)
	e.str(m.algo)
	e.varint(m.created.UnixNano())
	e.varint(int64(m.buildTime))
	e.varint(m.rows)
	e.strs(m.inputs)
	e.ints(m.inputIdx)
	e.strs(m.targets)
	e.ints(m.targetIdx)
	e.strs(m.classes)
	e.uvarint(uint64(len(m.params)))
	for _, p := range m.params {
		e.str(p.Name)
		e.floats(p.Values)
	}
	e.floats(m.means)
	e.floats(m.inM)
	e.float(m.tol)
	if m.fit == nil {
		return nil, errorf("model %s has no fitted parameters", quote(m.id))
	}
	e.b = append(e.b, m.fit.codecKind())
	m.fit.encode(e)
	return e.b, nil
}

// UnmarshalModel decodes a model written by MarshalBinary. Errors are *Error.
func UnmarshalModel(b []byte) (*Model, error) {
	if len(b) < len(codecMagic) || string(b[:len(codecMagic)]) != codecMagic {
		return nil, errorf("not a symscore model")
	}
	d := &decoder{b: b[len(codecMagic):]}
	if v := d.uvarint(); d.err == nil && v != codecVersion {
		return nil, errorf("model format version %d is not supported (want %d)", v, codecVersion)
	}
	m := &Model{}
	m.id = d.str()
	m.algo = d.str()
	m.created = time.Unix(0, d.varint()).UTC()
	m.buildTime = time.Duration(d.varint())
	m.rows = d.varint()
	m.inputs = d.strs()
	m.inputIdx = d.ints()
	m.targets = d.strs()
	m.targetIdx = d.ints()
	m.classes = d.strs()
	np := d.count(2)
	for i := 0; i < np && d.err == nil; i++ {
		m.params = append(m.params, Param{Name: d.str(), Values: d.floats()})
	}
	m.means = d.floats()
	m.inM = d.floats()
	m.tol = d.float()
	kind := d.byte()
	if decode := fitDecoders[kind]; decode != nil {
		m.fit = decode(d)
	} else if d.err == nil {
		return nil, errorf("model blob: unknown fit kind")
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, errorf("model blob: %d trailing bytes", len(d.b))
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	m.derive()
	m.size = modelOverhead + int64(len(b))
	return m, nil
}

// validate checks that every array has the size Predict, Impute and Info index with.
func (m *Model) validate() error {
	bad := func(what string) error { return errorf("model blob: inconsistent %s", what) }
	d := len(m.inputs)
	if d == 0 || len(m.inputIdx) != d || len(m.means) != d || len(m.inM) != d*d {
		return bad("inputs")
	}
	seen := make(map[string]bool, d)
	for _, n := range m.inputs {
		if seen[n] {
			return bad("input names")
		}
		seen[n] = true
	}
	a := algorithms[m.algo]
	if a == nil || m.id == "" {
		return bad("algorithm or id")
	}
	// The fit must be the kind its algorithm builds (a decoded lda blob with a linear fit is
	// corrupt, even when the dimensions would fit).
	if m.fit == nil || m.fit.codecKind() != a.kind || !m.fit.fits(m) {
		return bad("fitted parameters")
	}
	if !m.finite() {
		return bad("(non-finite) parameters")
	}
	return nil
}

type encoder struct{ b []byte }

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) float(v float64)  { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v)) }
func (e *encoder) bool(v bool)      { e.b = append(e.b, byte(boolFloat(v))) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }

func (e *encoder) strs(v []string) {
	e.uvarint(uint64(len(v)))
	for _, s := range v {
		e.str(s)
	}
}

func (e *encoder) ints(v []int) {
	e.uvarint(uint64(len(v)))
	for _, i := range v {
		e.varint(int64(i))
	}
}

func (e *encoder) floats(v []float64) {
	e.uvarint(uint64(len(v)))
	for _, f := range v {
		e.float(f)
	}
}

// decoder reads what encoder wrote; the first error sticks and later reads return zeros.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errorf("model blob is truncated or corrupt")
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length whose elements take at least size bytes each.
func (d *decoder) count(size int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/size) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) str() string {
	n := d.count(1)
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) strs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		out = append(out, d.str())
	}
	return out
}

func (d *decoder) ints() []int {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	out := make([]int, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		v := d.varint()
		if v < 0 || v > math.MaxInt32 {
			d.fail()
		}
		out = append(out, int(v))
	}
	return out
}

func (d *decoder) floats() []float64 {
	n := d.count(8)
	if n == 0 {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = d.float()
	}
	return out
}
