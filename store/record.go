package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/symscore/symscore/dataframe"
)

// Record kinds (see the package documentation for their layout).
const (
	recordFormat = 1

	kindCreate  byte = 1
	kindDelete  byte = 2
	kindLearn   byte = 3
	kindForget  byte = 4
	kindFreeze  byte = 5
	kindMerge   byte = 6
	kindModel   byte = 7
	kindUnmodel byte = 8
	kindImport  byte = 9
	kindSeen    byte = 10 // an accepted signed message's replay key (its customer, no project)
)

var kindNames = [...]string{kindCreate: "create", kindDelete: "delete", kindLearn: "learn",
	kindForget: "forget", kindFreeze: "freeze", kindMerge: "merge", kindModel: "model",
	kindUnmodel: "unmodel", kindImport: "import", kindSeen: "seen"}

func kindName(k byte) string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind %d", k)
}

var errRecord = errors.New("malformed record")

// recordTimeOffset is where a record holds the time of its change (Unix nanoseconds,
// little-endian), written by the commit under the project's lock (setRecordTime).
const recordTimeOffset = 2

// appendRecordHead starts a record of kind for project pid of customer cid, with a zero
// time.
func appendRecordHead(b []byte, kind byte, cid, pid string) []byte {
	b = append(b, recordFormat, kind, 0, 0, 0, 0, 0, 0, 0, 0)
	b = appendString(b, cid)
	return appendString(b, pid)
}

// setRecordTime writes the time of the change into a record made by appendRecordHead.
func setRecordTime(rec []byte, at time.Time) {
	binary.LittleEndian.PutUint64(rec[recordTimeOffset:], uint64(at.UnixNano()))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b []byte, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendSeen encodes a seen record: the customer, replay key and date of an accepted
// signed message and, with a customer, whether it was a read (1) or a change (0). (Logs
// written before customers were recorded hold seen records of changes without a customer
// and without that byte.)
func appendSeen(b []byte, cid string, key [16]byte, date time.Time, read bool) []byte {
	b = appendRecordHead(b, kindSeen, cid, "")
	b = append(b, key[:]...)
	b = binary.LittleEndian.AppendUint64(b, uint64(date.UnixNano()))
	switch {
	case cid == "":
		return b
	case read:
		return append(b, 1)
	}
	return append(b, 0)
}

// appendCreate encodes a create record; parameters are written sorted by key.
func appendCreate(b []byte, cid, pid, typ string, params map[string]string) []byte {
	b = appendRecordHead(b, kindCreate, cid, pid)
	b = appendString(b, typ)
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, params[k])
	}
	return b
}

// appendFrame encodes a learn or forget record holding the frame's kept rows, the columns
// as the project sees them (name, kind, base name of T-derived columns) and the partition
// values. It allocates only when b must grow.
func appendFrame(b []byte, kind byte, cid, pid string, f *dataframe.Frame) []byte {
	b = appendRecordHead(b, kind, cid, pid)
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

// record is a decoded record. Its byte slices alias the payload it was decoded from.
type record struct {
	kind     byte
	at       time.Time // time of the change
	cid, pid string
	typ      string            // create
	params   map[string]string // create
	frame    *dataframe.Frame  // learn, forget
	frozen   bool              // freeze
	blob     []byte            // merge (state), model (model), import (project)
	modelID  string            // unmodel
	seenKey  [16]byte          // seen
	seenDate time.Time         // seen: the signed message's date
	seenRead bool              // seen: a read's signature (not a change's)
}

// decodeRecord decodes a record payload. Frames are decoded into fb, whose buffers are
// reused from call to call.
func decodeRecord(b []byte, fb *frameBuffer) (record, error) {
	r := reader{b: b}
	var rec record
	if f := r.byte(); f != recordFormat {
		return rec, fmt.Errorf("%w: format %d", errRecord, f)
	}
	rec.kind = r.byte()
	rec.at = time.Unix(0, int64(r.uint64())).UTC()
	rec.cid = string(r.bytes())
	rec.pid = string(r.bytes())
	switch rec.kind {
	case kindCreate:
		rec.typ = string(r.bytes())
		n := r.count(2)
		rec.params = make(map[string]string, n)
		for range n {
			k := string(r.bytes())
			rec.params[k] = string(r.bytes())
		}
	case kindDelete:
	case kindLearn, kindForget:
		rec.frame = fb.decode(&r)
	case kindFreeze:
		switch r.byte() {
		case 0:
		case 1:
			rec.frozen = true
		default:
			r.fail()
		}
	case kindMerge, kindModel, kindImport:
		rec.blob = r.bytes()
	case kindUnmodel:
		rec.modelID = string(r.bytes())
	case kindSeen:
		for i := range rec.seenKey {
			rec.seenKey[i] = r.byte()
		}
		rec.seenDate = time.Unix(0, int64(r.uint64())).UTC()
		if rec.cid != "" { // (a record without a customer ends here)
			switch r.byte() {
			case 0:
			case 1:
				rec.seenRead = true
			default:
				r.fail()
			}
		}
	default:
		return rec, fmt.Errorf("%w: unknown kind %d", errRecord, rec.kind)
	}
	if r.err == nil && len(r.b) != 0 {
		return rec, fmt.Errorf("%w: %d trailing bytes in a %s record", errRecord, len(r.b), kindName(rec.kind))
	}
	if r.err != nil {
		return rec, fmt.Errorf("%w: truncated %s record", errRecord, kindName(rec.kind))
	}
	return rec, nil
}

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

// reader decodes; the first error sticks and later reads return zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errRecord
	}
	r.b = nil
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.fail()
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) uint64() uint64 {
	if r.err != nil || len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a count of items of at least minBytes each, refusing counts the rest of the
// input cannot hold.
func (r *reader) count(minBytes int) int {
	v := r.uvarint()
	if r.err != nil || v > uint64(len(r.b)/minBytes) {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *reader) bytes() []byte {
	n := r.count(1)
	if r.err != nil {
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}
