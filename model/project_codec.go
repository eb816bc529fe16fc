package model

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/symscore/symscore/dataframe"
)

// Binary encoding of a project's statistics, for snapshots and export. Little-endian;
// floats as their IEEE 754 bits, so encode → decode is bit-exact. No checksum: the
// durability layer adds its own. Models are included, each in its own encoding
// (Model.MarshalBinary).
//
//	magic "SYMP", version byte (2)
//	string id, string type, string partitionColumn      string = uvarint length + bytes
//	byte frozen, int64 creation, int64 lastModification (Unix nanoseconds, UTC)
//	uint64 seq (Seq: the last journaled change the encoding includes)
//	uint64 changes (Version: the changes applied; absent in version 1, read as 0)
//	uvarint d, then d × (string name, byte kind 'C'/'B', string base)
//	d × float64 min, d × float64 max
//	summary total
//	uvarint P, then P × (string value, summary), values sorted and distinct
//	uvarint M, then M × (uvarint length, Model.MarshalBinary bytes), sorted by model id
//
//	summary = varint n, d × float64 k, d × (float64 hi, lo) S1,
//	          d(d+1)/2 × (float64 hi, lo) S2 (packed, column-major)
const (
	projectCodecMagic   = "SYMP"
	projectCodecVersion = 2
	// projectCodecVersion1 lacks the change counter (snapshots written before it).
	projectCodecVersion1 = 1
)

var errCodec = errors.New("cannot decode project")

// MarshalBinary encodes the project: its statistics, metadata and models, taken
// consistently under the read lock (for snapshots and export).
func (p *Project) MarshalBinary() ([]byte, error) {
	b, _, err := p.Checkpoint()
	return b, err
}

// Checkpoint is MarshalBinary that also returns Seq, read under the same lock: the
// encoding contains exactly the changes applied up to seq.
func (p *Project) Checkpoint() (data []byte, seq uint64, err error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	b := p.appendBinary(nil)
	models := p.Models()
	b = binary.AppendUvarint(b, uint64(len(models)))
	for _, m := range models {
		mb, err := m.MarshalBinary()
		if err != nil {
			return nil, 0, fmt.Errorf("cannot encode model %s of project %s: %w", quote(m.ID()), quote(p.id), err)
		}
		b = binary.AppendUvarint(b, uint64(len(mb)))
		b = append(b, mb...)
	}
	return b, p.seq, nil
}

// StateBinary encodes the project's statistics without its models, in the encoding of
// MarshalBinary: what ApplyMerge folds into another project.
func (p *Project) StateBinary() []byte {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return binary.AppendUvarint(p.appendBinary(nil), 0)
}

func (p *Project) appendBinary(b []byte) []byte {
	b = append(b, projectCodecMagic...)
	b = append(b, projectCodecVersion)
	b = appendString(b, p.id)
	b = appendString(b, p.typ)
	b = appendString(b, p.partitionColumn)
	b = append(b, boolByte(p.frozen))
	b = binary.LittleEndian.AppendUint64(b, uint64(p.created.UnixNano()))
	b = binary.LittleEndian.AppendUint64(b, uint64(p.modified.UnixNano()))
	b = binary.LittleEndian.AppendUint64(b, p.seq)
	b = binary.LittleEndian.AppendUint64(b, p.version)
	b = binary.AppendUvarint(b, uint64(len(p.names)))
	for i, name := range p.names {
		b = appendString(b, name)
		b = append(b, byte(p.kinds[i]))
		b = appendString(b, p.base[i])
	}
	b = appendFloats(b, p.min)
	b = appendFloats(b, p.max)
	b = p.total.appendBinary(b)
	b = binary.AppendUvarint(b, uint64(len(p.partKeys)))
	for _, k := range p.partKeys {
		b = appendString(b, k)
		b = p.parts[k].appendBinary(b)
	}
	return b
}

func (s *summary) appendBinary(b []byte) []byte {
	b = binary.AppendVarint(b, s.n)
	b = appendFloats(b, s.k)
	for _, v := range s.s1 {
		b = appendFloats(b, []float64{v.hi, v.lo})
	}
	for _, v := range s.s2 {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.hi))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.lo))
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendFloats(b []byte, fs []float64) []byte {
	for _, f := range fs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	return b
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// UnmarshalProject decodes a project encoded by MarshalBinary. It checks the encoding's
// structure (sizes, kinds, counts, partition order) and never allocates more than the
// input can describe. The project has the default Limits until a Registry adopts it
// (Registry.Add).
func UnmarshalProject(data []byte) (*Project, error) {
	r := &codecReader{b: data}
	if string(r.bytes(len(projectCodecMagic))) != projectCodecMagic {
		return nil, fmt.Errorf("%w: not a project encoding", errCodec)
	}
	v := r.byte()
	if r.err == nil && v != projectCodecVersion && v != projectCodecVersion1 {
		return nil, fmt.Errorf("%w: unknown version %d", errCodec, v)
	}
	id, typ, pc := r.string(), r.string(), r.string()
	params := map[string]string{"partitionSplit": pc}
	frozen := r.byte()
	created, modified := int64(r.uint64()), int64(r.uint64())
	seq := r.uint64()
	var changes uint64
	if v >= projectCodecVersion {
		changes = r.uint64()
	}
	if r.err != nil {
		return nil, r.err
	}
	p, err := NewProject(id, typ, params)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCodec, err)
	}
	if typ == TypeCPU && pc != "" || frozen > 1 {
		return nil, fmt.Errorf("%w: bad header", errCodec)
	}
	p.frozen = frozen == 1
	p.seq = seq
	p.version = changes
	p.created, p.modified = time.Unix(0, created).UTC(), time.Unix(0, modified).UTC()
	d := r.count(3)
	if d > 1<<20 || 16*packedLen(d) > len(r.b) {
		r.fail("attribute count") // the total summary alone would not fit
	}
	for i := 0; i < d && r.err == nil; i++ {
		name := r.string()
		kind := dataframe.Type(r.byte())
		base := r.string()
		if r.err != nil {
			return nil, r.err
		}
		if kind != dataframe.TypeC && kind != dataframe.TypeB {
			return nil, fmt.Errorf("%w: attribute %s has kind %v", errCodec, quote(name), kind)
		}
		if _, dup := p.index[name]; dup {
			return nil, fmt.Errorf("%w: attribute %s appears twice", errCodec, quote(name))
		}
		p.addAttribute(name, kind, base)
	}
	r.floats(p.min)
	r.floats(p.max)
	for i := range p.min {
		// ±Inf for an attribute no learned row carried; else within ±MaxMagnitude.
		if lo, hi := p.min[i], p.max[i]; lo != inf && !(math.Abs(lo) <= MaxMagnitude) || hi != -inf && !(math.Abs(hi) <= MaxMagnitude) {
			r.fail("extremes (out of range)")
		}
	}
	r.summary(p.total)
	nparts := r.count(1)
	var sum int64
	for i := range nparts {
		key := r.string()
		if r.err != nil {
			return nil, r.err
		}
		if p.typ != TypePartition || key == "" || (i > 0 && key <= p.partKeys[i-1]) {
			return nil, fmt.Errorf("%w: bad partition %s", errCodec, quote(key))
		}
		// Keys come sorted (checked above): append, rather than insert in order.
		s := newSummary(len(p.names))
		p.parts[key] = s
		p.partKeys = append(p.partKeys, key)
		r.summary(s)
		if r.err == nil && s.n <= 0 {
			return nil, fmt.Errorf("%w: empty partition %s", errCodec, quote(key))
		}
		sum += s.n
	}
	nmodels := r.count(1)
	for range nmodels {
		mb := r.bytes(r.count(1))
		if r.err != nil {
			return nil, r.err
		}
		m, err := UnmarshalModel(mb)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errCodec, err)
		}
		if _, dup := p.models[m.ID()]; dup {
			return nil, fmt.Errorf("%w: model %s appears twice", errCodec, quote(m.ID()))
		}
		p.models[m.ID()] = m
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", errCodec, len(r.b))
	}
	if p.total.n < 0 || (p.typ == TypePartition && sum != p.total.n) {
		return nil, fmt.Errorf("%w: partition counts do not add up to the total", errCodec)
	}
	p.recount()
	return p, nil
}

// codecReader reads the encoding; the first error sticks and later reads return zeros.
type codecReader struct {
	b   []byte
	err error
}

func (r *codecReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated or malformed %s", errCodec, what)
	}
	r.b = nil
}

func (r *codecReader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.fail("data")
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *codecReader) byte() byte {
	if v := r.bytes(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *codecReader) uint64() uint64 {
	if v := r.bytes(8); v != nil {
		return binary.LittleEndian.Uint64(v)
	}
	return 0
}

func (r *codecReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("length")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a count of items that take at least minBytes each.
func (r *codecReader) count(minBytes int) int {
	v := r.uvarint()
	if v > uint64(len(r.b)/minBytes) {
		r.fail("count")
		return 0
	}
	return int(v)
}

func (r *codecReader) string() string { return string(r.bytes(r.count(1))) }

func (r *codecReader) floats(dst []float64) {
	for i := range dst {
		dst[i] = math.Float64frombits(r.uint64())
	}
}

func (r *codecReader) summary(s *summary) {
	n, k := binary.Varint(r.b)
	if k <= 0 || n < 0 {
		r.fail("row count")
		return
	}
	r.b = r.b[k:]
	if need := 8*len(s.k) + 16*len(s.s1) + 16*len(s.s2); need > len(r.b) {
		r.fail("summary")
		return
	}
	s.n = n
	r.floats(s.k)
	for i := range s.s1 {
		s.s1[i] = dd{math.Float64frombits(r.uint64()), math.Float64frombits(r.uint64())}
	}
	for i := range s.s2 {
		s.s2[i] = dd{math.Float64frombits(r.uint64()), math.Float64frombits(r.uint64())}
	}
	if why := s.outOfRange(); why != "" {
		r.fail("summary (" + why + ")")
	}
}

// outOfRange says what learn cannot produce in s, or "": shifts within ±MaxMagnitude,
// |S1| ≤ n·2·MaxMagnitude and |S2| ≤ n·(2·MaxMagnitude)², all finite, n ≤ maxRows. Anything
// else was not written by an encoder (and would let later learning overflow).
func (s *summary) outOfRange() string {
	n := s.n
	if n > maxRows || n < 0 {
		return "row count"
	}
	for _, v := range s.k {
		if !(math.Abs(v) <= MaxMagnitude) {
			return "shift out of range"
		}
	}
	bound1 := float64(n) * 2 * MaxMagnitude * (1 + 1e-9)
	bound2 := float64(n) * 4 * MaxMagnitude * MaxMagnitude * (1 + 1e-9)
	for i, xs := range [][]dd{s.s1, s.s2} {
		bound := bound1
		if i == 1 {
			bound = bound2
		}
		for _, v := range xs {
			if !(math.Abs(v.hi) <= bound) || !(math.Abs(v.lo) <= bound) {
				return "sum out of range"
			}
		}
	}
	return ""
}
