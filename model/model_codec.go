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
//	fit kind byte (1 lda, 2 mlda/mqda, 3 bayes, 4 linear) and its fields (see encodeFit)
//
// Decoding checks every length against the remaining input before allocating and every
// dimension against the inputs and classes, so a corrupt or hostile blob is an error, never a
// panic or a model that could panic in Predict.
const (
	codecMagic   = "SYMSCORE-MODEL"
	codecVersion = 1
)

const (
	fitLDA byte = 1 + iota
	fitDisc
	fitBayes
	fitLinear
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
	switch {
	case m.lda != nil:
		f := m.lda
		e.b = append(e.b, fitLDA)
		e.floats(f.w)
		e.floats(f.mid)
		e.floats(f.mu0)
		e.floats(f.mu1)
		e.float(f.n0)
		e.float(f.n1)
		e.float(f.z0)
		e.bool(f.z1LTz0)
		e.float(f.logPriorOdds)
	case m.disc != nil:
		f := m.disc
		e.b = append(e.b, fitDisc)
		e.bool(f.quadratic)
		e.uvarint(uint64(f.d))
		e.uvarint(uint64(f.k))
		for _, v := range [][]float64{f.logPrior, f.means, f.counts, f.center, f.coef, f.icpt, f.cov, f.invCenter, f.linv, f.logDet, f.covs} {
			e.floats(v)
		}
	case m.nb != nil:
		f := m.nb
		e.b = append(e.b, fitBayes)
		e.uvarint(uint64(f.d))
		e.uvarint(uint64(f.k))
		e.uvarint(uint64(len(f.gauss)))
		for _, g := range f.gauss {
			e.bool(g)
		}
		for _, v := range [][]float64{f.cst, f.mean, f.halfPrec, f.dlog, f.variance, f.counts} {
			e.floats(v)
		}
		e.float(f.epsilon)
	case m.lin != nil:
		f := m.lin
		e.b = append(e.b, fitLinear)
		e.floats(f.coef)
		e.float(f.muY)
		e.float(f.intercept)
		e.varint(int64(f.iter))
		e.bool(f.table != nil)
		if t := f.table; t != nil {
			for _, v := range [][]float64{t.se, t.t, t.p, t.lo, t.hi} {
				e.floats(v)
			}
			st := t.stats
			e.varint(st.N)
			for _, v := range []float64{st.DFModel, st.DFResid, st.SSR, st.Sigma2, st.R2, st.AdjR2, st.F, st.FP, st.LogLik, st.AIC, st.BIC} {
				e.float(v)
			}
		}
	default:
		return nil, errorf("model %s has no fitted parameters", quote(m.id))
	}
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
	switch d.byte() {
	case fitLDA:
		f := &ldaFit{}
		f.w, f.mid, f.mu0, f.mu1 = d.floats(), d.floats(), d.floats(), d.floats()
		f.n0, f.n1, f.z0 = d.float(), d.float(), d.float()
		f.z1LTz0 = d.bool()
		f.logPriorOdds = d.float()
		m.lda = f
	case fitDisc:
		f := &discFit{}
		f.quadratic = d.bool()
		f.d, f.k = d.count(1), d.count(1)
		for _, p := range []*[]float64{&f.logPrior, &f.means, &f.counts, &f.center, &f.coef, &f.icpt, &f.cov, &f.invCenter, &f.linv, &f.logDet, &f.covs} {
			*p = d.floats()
		}
		m.disc = f
	case fitBayes:
		f := &bayesFit{}
		f.d, f.k = d.count(1), d.count(1)
		n := d.count(1)
		f.gauss = make([]bool, 0, n)
		for i := 0; i < n; i++ {
			f.gauss = append(f.gauss, d.bool())
		}
		for _, p := range []*[]float64{&f.cst, &f.mean, &f.halfPrec, &f.dlog, &f.variance, &f.counts} {
			*p = d.floats()
		}
		f.epsilon = d.float()
		m.nb = f
	case fitLinear:
		f := &linFit{}
		f.coef = d.floats()
		f.muY, f.intercept = d.float(), d.float()
		f.iter = int(d.varint())
		if d.bool() {
			t := &coefTable{}
			for _, p := range []*[]float64{&t.se, &t.t, &t.p, &t.lo, &t.hi} {
				*p = d.floats()
			}
			st := &t.stats
			st.N = d.varint()
			for _, p := range []*float64{&st.DFModel, &st.DFResid, &st.SSR, &st.Sigma2, &st.R2, &st.AdjR2, &st.F, &st.FP, &st.LogLik, &st.AIC, &st.BIC} {
				*p = d.float()
			}
			f.table = t
		}
		m.lin = f
	default:
		if d.err == nil {
			return nil, errorf("model blob: unknown fit kind")
		}
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
	if _, ok := algoParams[m.algo]; !ok || m.id == "" {
		return bad("algorithm or id")
	}
	k := len(m.classes)
	ok := false
	switch m.algo {
	case "lda":
		f := m.lda
		ok = f != nil && k == 2 && len(f.w) == d && len(f.mid) == d && len(f.mu0) == d && len(f.mu1) == d
	case "mlda", "mqda":
		f := m.disc
		ok = f != nil && f.quadratic == (m.algo == "mqda") && f.d == d && f.k == k && k >= 2 &&
			len(f.logPrior) == k && len(f.means) == k*d && len(f.counts) == k
		if ok && f.quadratic {
			ok = len(f.linv) == k*d*(d+1)/2 && len(f.logDet) == k && len(f.covs) == k*d*d
		} else if ok {
			ok = len(f.center) == d && len(f.coef) == k*d && len(f.icpt) == k && len(f.cov) == d*d && len(f.invCenter) == d
		}
	case "bayes":
		f := m.nb
		ok = f != nil && f.d == d && f.k == k && k >= 2 && len(f.gauss) == d && len(f.cst) == k &&
			len(f.mean) == k*d && len(f.halfPrec) == k*d && len(f.dlog) == k*d && len(f.variance) == k*d && len(f.counts) == k
	default:
		f := m.lin
		ok = f != nil && k == 0 && len(f.coef) == d
		if ok && f.table != nil {
			t := f.table
			ok = len(t.se) == d+1 && len(t.t) == d+1 && len(t.p) == d+1 && len(t.lo) == d+1 && len(t.hi) == d+1
		}
	}
	n := 0
	for _, p := range []bool{m.lda != nil, m.disc != nil, m.nb != nil, m.lin != nil} {
		if p {
			n++
		}
	}
	if !ok || n != 1 {
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
