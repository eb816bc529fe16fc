package store

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// encodeRecord is the reference encoder of a decoded record (format 2): what the store's
// changes write, piece by piece.
func encodeRecord(rec *record) []byte {
	if rec.kind == kindSeen {
		return appendSeen(nil, rec.seenKey, rec.seenDate)
	}
	cid, pid := string(rec.cid), string(rec.pid)
	var b []byte
	if rec.kind == kindCreate {
		b = appendCreate(nil, cid, pid, rec.typ, rec.params)
		setRecordTime(b, rec.at)
		return b
	}
	if projectKind(rec.kind) {
		b = appendProjectHead(nil, rec.kind, cid, pid, time.Unix(0, rec.created))
	} else {
		b = appendRecordHead(nil, rec.kind, cid, pid)
	}
	setRecordTime(b, rec.at)
	if limitedKind(rec.kind) {
		b = appendLimits(b, rec.lim)
	}
	switch rec.kind {
	case kindLearn, kindForget:
		b = rec.rows.AppendBinary(b)
	case kindLearnDelta, kindForgetDelta:
		b = rec.delta.AppendBinary(b)
	case kindLearnUpload, kindForgetUpload:
		b = appendBytes(b, rec.upload)
		b = rec.delta.AppendBinary(b)
	case kindFreeze:
		if rec.frozen {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	case kindMerge, kindImport:
		b = appendBytes(b, rec.blob)
	case kindModel, kindModelNew:
		blob, err := rec.model.MarshalBinary()
		if err != nil {
			panic(err)
		}
		b = appendBytes(b, blob)
	case kindUnmodel:
		b = appendString(b, rec.modelID)
	}
	return b
}

// realRecords are the records a store writes for history (every kind, rows and deltas),
// read back from its log.
func realRecords(t testing.TB) [][]byte {
	t.Helper()
	dir := t.TempDir()
	s := open(t, durable(dir))
	history(t, s)
	must(t, s.RecordSeen([16]byte{7}, time.Unix(1700000000, 0)))
	must(t, s.Learn("c1", "a", parse(t, rows(0, 3), "")))
	must(t, s.Learn("c1", "a", parse(t, rows(0, 60), "")))
	must(t, s.Forget("c1", "a", parse(t, rows(0, 60), "")))
	d := model.NewDelta(false)
	must(t, d.AddFrame(parse(t, rows(0, 20), "")))
	must(t, s.LearnUpload("c1", "a", "upload-1", d))
	must(t, s.ForgetUpload("c1", "a", "upload-2", d))
	crash(t, s)
	w, err := wal.Open(filepath.Join(dir, "wal"), wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var out [][]byte
	if err := w.Replay(0, func(_ uint64, rec []byte) error {
		out = append(out, bytes.Clone(rec))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRecordsRoundTrip: every record of a real log decodes and re-encodes to the same
// bytes; every kind is there, learn and forget both as rows and as deltas.
func TestRecordsRoundTrip(t *testing.T) {
	kinds := map[byte]int{}
	for _, enc := range realRecords(t) {
		var dec decoder
		rec, err := decodeRecord(enc, &dec)
		if err != nil {
			t.Fatal(err)
		}
		kinds[rec.kind]++
		if again := encodeRecord(&rec); !bytes.Equal(again, enc) {
			t.Fatalf("%s record: re-encoding differs\n%x\n%x", kindName(rec.kind), again, enc)
		}
	}
	for k, name := range kindNames {
		if name != "" && kinds[byte(k)] == 0 {
			t.Errorf("no %s record in the log", name)
		}
	}
}

// TestDecodeRecordRefusals: every truncation of a real record, a trailing byte, and bytes
// that are not a record are refused without a panic.
func TestDecodeRecordRefusals(t *testing.T) {
	var dec decoder
	for _, enc := range realRecords(t) {
		for i := range len(enc) {
			if _, err := decodeRecord(enc[:i], &dec); err == nil {
				t.Fatalf("a record cut at %d of %d bytes decoded: %x", i, len(enc), enc)
			}
		}
		if _, err := decodeRecord(append(bytes.Clone(enc), 0), &dec); err == nil {
			t.Fatalf("a record with a trailing byte decoded: %x", enc)
		}
	}
	rec, err := decodeRecord(appendSeen(nil, [16]byte{1, 2, 3}, time.Unix(1700000000, 7)), &dec)
	if err != nil || rec.kind != kindSeen || rec.seenKey != [16]byte{1, 2, 3} || !rec.seenDate.Equal(time.Unix(1700000000, 7)) {
		t.Fatalf("seen record decoded as %+v, %v", rec, err)
	}
	head := appendProjectHead(nil, kindLearn, "c", "p", time.Unix(5, 0))
	for name, bad := range map[string][]byte{
		"empty":          nil,
		"format 3":       {3, kindLearn},
		"unknown kind":   {2, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		"frozen 2":       append(appendProjectHead(nil, kindFreeze, "c", "p", time.Unix(5, 0)), 2),
		"six limits":     binary.AppendUvarint(head, 6),
		"a zero limit":   append(binary.AppendUvarint(head, 1), 0),
		"delta format 1": {1, kindLearnDelta, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	} {
		if _, err := decodeRecord(bad, &dec); err == nil {
			t.Fatalf("%s: %x decoded", name, bad)
		}
	}
}

// TestRecordLimits: a record keeps the limits of its change; fields an older writer did
// not write are unlimited.
func TestRecordLimits(t *testing.T) {
	lim := model.Limits{MaxAttributes: 7, MaxPartitions: 8, MaxStateBytes: 9, MaxModels: 10, MaxNewAttributes: 11}
	r := reader{b: appendLimits(nil, lim)}
	if got := r.limits(); r.err != nil || got.MaxAttributes != 7 || got.MaxPartitions != 8 || got.MaxStateBytes != 9 ||
		got.MaxModels != 10 || got.MaxNewAttributes != 11 {
		t.Fatalf("limits %+v, %v", got, r.err)
	}
	r = reader{b: []byte{2, 3, 4}}
	if got := r.limits(); r.err != nil || got.MaxAttributes != 3 || got.MaxPartitions != 4 ||
		got.MaxNewAttributes != model.Unlimited.MaxNewAttributes {
		t.Fatalf("two fields: %+v, %v", got, r.err)
	}
}

// FuzzDecodeRecord: decoding never panics; a decoded record re-encodes (reference
// encoder) to bytes that decode and re-encode to themselves.
func FuzzDecodeRecord(f *testing.F) {
	for _, enc := range realRecords(f) {
		f.Add(enc)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var dec decoder
		rec, err := decodeRecord(b, &dec)
		if err != nil || rec.format == recordFormat1 {
			return
		}
		again := encodeRecord(&rec)
		var dec2 decoder
		rec2, err := decodeRecord(again, &dec2)
		if err != nil {
			t.Fatalf("re-encoded record refused: %v", err)
		}
		if third := encodeRecord(&rec2); !bytes.Equal(again, third) {
			t.Fatalf("re-encoding is not stable:\n%x\n%x", again, third)
		}
	})
}
