package store

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/symscore/symscore/dataframe"
)

// frameRecord encodes the frame of payload as a learn record.
func frameRecord(t testing.TB, payload, partitionColumn string) []byte {
	t.Helper()
	b := appendFrame(nil, kindLearn, "c1", "p", parse(t, payload, partitionColumn))
	setRecordTime(b, time.Unix(1700000000, 5))
	return b
}

// TestFrameRecordRoundTrip: a decoded frame record re-encodes to the same bytes and holds
// the frame the project saw (names, kinds, T bases, values bit for bit, partitions).
func TestFrameRecordRoundTrip(t *testing.T) {
	for _, c := range []struct{ payload, part string }{
		{rows(0, 25), ""},
		{rows(3, 9), "k"},
		{`{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["-0","u"],["5e-324","v"],["1.7976931348623157e308","u"]]}`, "g"},
		{`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["bad"]],"errorHandling":1}`, ""}, // no row kept
	} {
		enc := frameRecord(t, c.payload, c.part)
		var fb frameBuffer
		rec, err := decodeRecord(enc, &fb)
		if err != nil {
			t.Fatalf("%s: %v", c.payload, err)
		}
		if rec.kind != kindLearn || rec.cid != "c1" || rec.pid != "p" || !rec.at.Equal(time.Unix(1700000000, 5)) {
			t.Fatalf("head %+v", rec)
		}
		again := appendFrame(nil, kindLearn, "c1", "p", rec.frame)
		setRecordTime(again, rec.at)
		if !bytes.Equal(again, enc) {
			t.Fatalf("%s: re-encoding differs", c.payload)
		}
		want := parse(t, c.payload, c.part)
		for i, v := range want.Vals {
			if math.Float64bits(v) != math.Float64bits(rec.frame.Vals[i]) {
				t.Fatalf("value %d: %v, want %v", i, rec.frame.Vals[i], v)
			}
		}
	}
}

// TestDecodeRecordRefusals: every truncation of a record (seen records included), and bytes
// that are not one, are refused without a panic; a seen record decodes to its key and date.
func TestDecodeRecordRefusals(t *testing.T) {
	recs := [][]byte{
		frameRecord(t, rows(0, 4), "k"),
		appendCreate(nil, "c1", "p", "partition", map[string]string{"partitionSplit": "k", "z": ""}),
		appendString(appendRecordHead(nil, kindUnmodel, "c", "p"), "m1"),
		append(appendRecordHead(nil, kindFreeze, "c", "p"), 1),
		appendSeen(nil, "c1", [16]byte{1, 2, 3}, time.Unix(1700000000, 7), true),
		appendSeen(nil, "c1", [16]byte{1, 2, 3}, time.Unix(1700000000, 7), false),
		appendSeen(nil, "", [16]byte{1, 2, 3}, time.Unix(1700000000, 7), false), // as older logs hold them
	}
	var fb frameBuffer
	for _, enc := range recs {
		if _, err := decodeRecord(enc, &fb); err != nil {
			t.Fatalf("whole record refused: %v", err)
		}
		for i := range len(enc) {
			if _, err := decodeRecord(enc[:i], &fb); err == nil {
				t.Fatalf("a record cut at %d of %d bytes decoded", i, len(enc))
			}
		}
		if _, err := decodeRecord(append(append([]byte(nil), enc...), 0), &fb); err == nil {
			t.Fatal("a record with a trailing byte decoded")
		}
	}
	rec, err := decodeRecord(appendSeen(nil, "c1", [16]byte{1, 2, 3}, time.Unix(1700000000, 7), true), &fb)
	if err != nil || rec.kind != kindSeen || rec.cid != "c1" || rec.seenKey != [16]byte{1, 2, 3} ||
		!rec.seenDate.Equal(time.Unix(1700000000, 7)) || !rec.seenRead {
		t.Fatalf("seen record decoded as %+v, %v", rec, err)
	}
	if rec, err := decodeRecord(appendSeen(nil, "", [16]byte{4}, time.Unix(1700000000, 7), false), &fb); err != nil || rec.cid != "" || rec.seenRead || rec.seenKey != [16]byte{4} {
		t.Fatalf("seen record without a customer decoded as %+v, %v", rec, err)
	}
	seenBadFlag := appendSeen(nil, "c1", [16]byte{1}, time.Unix(1700000000, 7), true)
	seenBadFlag[len(seenBadFlag)-1] = 2
	for _, bad := range [][]byte{nil, {2, kindLearn}, {1, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		append(appendRecordHead(nil, kindFreeze, "c", "p"), 2), seenBadFlag} {
		if _, err := decodeRecord(bad, &fb); err == nil {
			t.Fatalf("%x decoded", bad)
		}
	}
}

// FuzzDecodeRecord: decoding never panics, and a decoded frame record re-encodes stably.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(frameRecord(f, rows(0, 5), ""))
	f.Add(frameRecord(f, rows(0, 5), "k"))
	f.Add(appendCreate(nil, "c1", "p", "cpu", map[string]string{"a": "b"}))
	f.Add(appendSeen(nil, "c1", [16]byte{9}, time.Unix(1700000000, 7), true))
	f.Add(appendBytes(appendRecordHead(nil, kindMerge, "c", "p"), []byte("SYMP")))
	f.Fuzz(func(t *testing.T, b []byte) {
		var fb frameBuffer
		rec, err := decodeRecord(b, &fb)
		if err != nil || (rec.kind != kindLearn && rec.kind != kindForget) {
			return
		}
		f := rec.frame
		if len(f.Vals) != f.Rows*len(f.Names) || len(f.Kinds) != len(f.Names) {
			t.Fatalf("inconsistent frame: %d values, %d rows, %d names", len(f.Vals), f.Rows, len(f.Names))
		}
		for _, k := range f.Kinds {
			if k != dataframe.TypeC && k != dataframe.TypeB {
				t.Fatalf("kind %v", k)
			}
		}
		// Decode → encode → decode → encode is stable (the input itself may use
		// non-minimal varints, so it is not compared).
		again := appendFrame(nil, rec.kind, rec.cid, rec.pid, f)
		setRecordTime(again, rec.at)
		var fb2 frameBuffer
		rec2, err := decodeRecord(again, &fb2)
		if err != nil {
			t.Fatalf("re-encoded record refused: %v", err)
		}
		third := appendFrame(nil, rec2.kind, rec2.cid, rec2.pid, rec2.frame)
		setRecordTime(third, rec2.at)
		if !bytes.Equal(again, third) {
			t.Fatalf("re-encoding is not stable:\n%x\n%x", again, third)
		}
	})
}
