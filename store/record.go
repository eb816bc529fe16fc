package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/symscore/symscore/model"
)

// Record formats and kinds (see the package documentation for their layout).
const (
	// recordFormat1 records were written before changes were applied after the log: learn
	// and forget hold the expanded frame; no record holds limits or the project's creation
	// date. They are still read (replayed under model.Unlimited).
	recordFormat1 = 1
	recordFormat  = 2

	kindCreate       byte = 1
	kindDelete       byte = 2
	kindLearn        byte = 3 // the message's rows (model.Rows)
	kindForget       byte = 4
	kindFreeze       byte = 5
	kindMerge        byte = 6
	kindModel        byte = 7
	kindUnmodel      byte = 8
	kindImport       byte = 9
	kindSeen         byte = 10 // an accepted signed change's replay key (no project)
	kindLearnDelta   byte = 11 // the message's summary delta (model.Delta)
	kindForgetDelta  byte = 12
	kindLearnUpload  byte = 13 // an uploaded file's summary delta, with the upload's id
	kindForgetUpload byte = 14
	kindModelNew     byte = 15 // a model, refused if the project has one of its id
)

var kindNames = [...]string{kindCreate: "create", kindDelete: "delete", kindLearn: "learn",
	kindForget: "forget", kindFreeze: "freeze", kindMerge: "merge", kindModel: "model",
	kindUnmodel: "unmodel", kindImport: "import", kindSeen: "seen",
	kindLearnDelta: "learn delta", kindForgetDelta: "forget delta",
	kindLearnUpload: "learn upload", kindForgetUpload: "forget upload", kindModelNew: "new model"}

func kindName(k byte) string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind %d", k)
}

// projectKind reports whether records of kind k change an existing project and hold its
// creation date (format 2).
func projectKind(k byte) bool {
	switch k {
	case kindCreate, kindImport, kindSeen:
		return false
	}
	return true
}

// limitedKind reports whether records of kind k hold the limits they were accepted under.
func limitedKind(k byte) bool {
	switch k {
	case kindLearn, kindForget, kindLearnDelta, kindForgetDelta, kindLearnUpload, kindForgetUpload,
		kindMerge, kindModel, kindModelNew, kindImport:
		return true
	}
	return false
}

// deltaKind reports whether records of kind k hold a summary delta.
func deltaKind(k byte) bool {
	switch k {
	case kindLearnDelta, kindForgetDelta, kindLearnUpload, kindForgetUpload:
		return true
	}
	return false
}

var errRecord = errors.New("malformed record")

// recordTimeOffset is where a record holds the time of its change (Unix nanoseconds,
// little-endian), stamped just before it is appended (setRecordTime).
const recordTimeOffset = 2

// appendRecordHead starts a record of kind for project pid of customer cid, with a zero
// time.
func appendRecordHead(b []byte, kind byte, cid, pid string) []byte {
	b = append(b, recordFormat, kind, 0, 0, 0, 0, 0, 0, 0, 0)
	b = appendString(b, cid)
	return appendString(b, pid)
}

// appendProjectHead starts a record of a change of the project of creation date created.
func appendProjectHead(b []byte, kind byte, cid, pid string, created time.Time) []byte {
	b = appendRecordHead(b, kind, cid, pid)
	return binary.LittleEndian.AppendUint64(b, uint64(created.UnixNano()))
}

// appendLimits appends lim (resolved): uvarint count (5), then MaxAttributes,
// MaxPartitions, MaxStateBytes, MaxModels, MaxNewAttributes as uvarints.
func appendLimits(b []byte, lim model.Limits) []byte {
	lim = lim.Resolved()
	b = binary.AppendUvarint(b, 5)
	for _, v := range [5]int64{int64(lim.MaxAttributes), int64(lim.MaxPartitions), lim.MaxStateBytes,
		int64(lim.MaxModels), int64(lim.MaxNewAttributes)} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
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

// appendSeen encodes a seen record: the replay key and date of an accepted signed change.
func appendSeen(b []byte, key [16]byte, date time.Time) []byte {
	b = appendRecordHead(b, kindSeen, "", "")
	b = append(b, key[:]...)
	return binary.LittleEndian.AppendUint64(b, uint64(date.UnixNano()))
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

// record is a decoded record. Its byte slices alias the payload it was decoded from;
// rows and delta point into the decoder.
type record struct {
	format   byte
	kind     byte
	at       time.Time // time of the change
	cid, pid []byte
	created  int64             // the project's creation date, Unix nanoseconds (format 2)
	lim      model.Limits      // the limits the change was accepted under
	typ      string            // create
	params   map[string]string // create
	rows     *model.Rows       // learn, forget
	delta    *model.Delta      // learn delta, forget delta, learn upload, forget upload
	upload   []byte            // learn upload, forget upload: the upload's id
	frozen   bool              // freeze
	blob     []byte            // merge (state), import (project)
	model    *model.Model      // model
	modelID  string            // unmodel
	seenKey  [16]byte          // seen
	seenDate time.Time         // seen: the signed message's date
}

// sign is +1 for the learn kinds, −1 for the forget kinds.
func (r *record) sign() int {
	if r.kind == kindForget || r.kind == kindForgetDelta || r.kind == kindForgetUpload {
		return -1
	}
	return 1
}

// decoder holds the buffers records are decoded into, reused from record to record. Not
// safe for concurrent use.
type decoder struct {
	rows  model.Rows
	delta model.Delta
	fb    frameBuffer // format 1 frames
}

// decodeRecord decodes a record payload, its rows, delta and model included, into dec.
func decodeRecord(b []byte, dec *decoder) (record, error) {
	r := reader{b: b}
	var rec record
	rec.format = r.byte()
	if rec.format != recordFormat && rec.format != recordFormat1 {
		return rec, fmt.Errorf("%w: format %d", errRecord, rec.format)
	}
	rec.kind = r.byte()
	rec.at = time.Unix(0, int64(r.uint64())).UTC()
	rec.cid = r.bytes()
	rec.pid = r.bytes()
	if rec.format == recordFormat1 {
		rec.lim = model.Unlimited
		if deltaKind(rec.kind) {
			return rec, fmt.Errorf("%w: %s in format 1", errRecord, kindName(rec.kind))
		}
	} else {
		if projectKind(rec.kind) {
			rec.created = int64(r.uint64())
		}
		if limitedKind(rec.kind) {
			rec.lim = r.limits()
		}
	}
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
		var err error
		if rec.format == recordFormat1 {
			if f := dec.fb.decode(&r); r.err == nil {
				err = dec.rows.SetFrame(f)
			}
		} else if data := r.rest(); r.err == nil {
			err = dec.rows.UnmarshalBinary(data)
		}
		if err != nil {
			return rec, fmt.Errorf("%w: %s record: %v", errRecord, kindName(rec.kind), err)
		}
		rec.rows = &dec.rows
	case kindLearnDelta, kindForgetDelta, kindLearnUpload, kindForgetUpload:
		if rec.kind == kindLearnUpload || rec.kind == kindForgetUpload {
			rec.upload = r.bytes()
		}
		if data := r.rest(); r.err == nil {
			if err := dec.delta.Decode(data, rec.lim); err != nil {
				return rec, fmt.Errorf("%w: %s record: %v", errRecord, kindName(rec.kind), err)
			}
		}
		rec.delta = &dec.delta
	case kindFreeze:
		switch r.byte() {
		case 0:
		case 1:
			rec.frozen = true
		default:
			r.fail()
		}
	case kindMerge, kindImport:
		rec.blob = r.bytes()
	case kindModel, kindModelNew:
		if blob := r.bytes(); r.err == nil {
			m, err := model.UnmarshalModel(blob)
			if err != nil {
				return rec, fmt.Errorf("%w: model record: %v", errRecord, err)
			}
			rec.model = m
		}
	case kindUnmodel:
		rec.modelID = string(r.bytes())
	case kindSeen:
		for i := range rec.seenKey {
			rec.seenKey[i] = r.byte()
		}
		rec.seenDate = time.Unix(0, int64(r.uint64())).UTC()
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

// limits reads a limits block (appendLimits). Fields a record does not hold (an older
// writer's) are unlimited; more fields than this reader knows are refused.
func (r *reader) limits() model.Limits {
	n := r.uvarint()
	if n > 5 {
		r.fail()
		return model.Limits{}
	}
	var v [5]int64
	for i := range v {
		v[i] = -1
	}
	for i := range n {
		x := r.uvarint()
		if x == 0 || x > math.MaxInt64 {
			r.fail()
		}
		v[i] = int64(x)
	}
	field := func(i int, unlimited int64) int64 {
		if v[i] < 0 {
			return unlimited
		}
		return v[i]
	}
	u := model.Unlimited
	return model.Limits{
		MaxAttributes:    int(min(field(0, int64(u.MaxAttributes)), math.MaxInt32)),
		MaxPartitions:    int(min(field(1, int64(u.MaxPartitions)), math.MaxInt32)),
		MaxStateBytes:    field(2, u.MaxStateBytes),
		MaxModels:        int(min(field(3, int64(u.MaxModels)), math.MaxInt32)),
		MaxNewAttributes: int(min(field(4, int64(u.MaxNewAttributes)), math.MaxInt32)),
		MaxProjects:      u.MaxProjects,
	}
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

// rest returns what is left of the input.
func (r *reader) rest() []byte {
	if r.err != nil {
		return nil
	}
	v := r.b
	r.b = nil
	return v
}

// RecordProject returns the customer and project ids a record payload is about (both empty
// for a seen record), for a Log that files records by project (a cluster's subjects).
// They alias rec. ok is false when rec does not begin as a record does.
func RecordProject(rec []byte) (cid, pid []byte, ok bool) {
	r := reader{b: rec}
	if f := r.byte(); f != recordFormat && f != recordFormat1 {
		return nil, nil, false
	}
	r.byte()
	r.uint64()
	cid, pid = r.bytes(), r.bytes()
	return cid, pid, r.err == nil
}

// SeenKey returns the replay key of a seen record (RecordSeen's), for a Log that refuses
// replays itself by that key; ok is false for any other record.
func SeenKey(rec []byte) (key [16]byte, ok bool) {
	var dec decoder
	r, err := decodeRecord(rec, &dec)
	if err != nil || r.kind != kindSeen {
		return key, false
	}
	return r.seenKey, true
}
