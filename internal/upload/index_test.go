package upload

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/symscore/symscore/protocol"
)

// sampleIndex is an index of every record type.
func sampleIndex() []byte {
	d := Description{ID: "ABC", CID: "c1", PID: "iris", Name: "iris.csv", Format: "csv", Size: 1000,
		Created: time.Unix(1700000000, 5).UTC()}
	b := appendDescribe(appendHeader(nil), d)
	b = appendRange(b, Range{0, 100}, 0, true)
	b = appendRange(b, Range{200, 300}, 0xdeadbeef, false)
	b = appendSynced(b, int64(len(b)))
	b = appendState(b, stateRec{State: Failed, At: time.Unix(1700000100, 0).UTC(), Job: "J1", Forget: true,
		Types: "C,C,T", EH: 1, Rows: 5, Skipped: 2, Status: protocol.StatusBadRequest, Msg: "f.csv:3:2: bad", Retry: true})
	return b
}

func TestIndexRoundTrip(t *testing.T) {
	b := sampleIndex()
	x, err := decodeIndex(b)
	must(t, err)
	if x.desc.ID != "ABC" || x.desc.Size != 1000 || x.desc.PID != "iris" || !x.desc.Created.Equal(time.Unix(1700000000, 5)) {
		t.Fatalf("description %+v", x.desc)
	}
	if len(x.ranges) != 2 || !x.ranges[0].durable || x.ranges[1].durable || x.ranges[1].sum != 0xdeadbeef ||
		x.ranges[1].Range != (Range{200, 300}) || x.records != 2 {
		t.Fatalf("ranges %+v", x.ranges)
	}
	if x.synced <= x.ranges[1].off {
		t.Fatalf("synced %d does not cover the range at %d", x.synced, x.ranges[1].off)
	}
	if x.state.State != Failed || x.state.Msg != "f.csv:3:2: bad" || !x.state.Retry || x.state.Status != protocol.StatusBadRequest ||
		x.state.Rows != 5 || x.state.Skipped != 2 || !x.state.Forget || x.state.EH != 1 || x.state.Types != "C,C,T" {
		t.Fatalf("state %+v", x.state)
	}
	if x.end != int64(len(b)) || x.torn {
		t.Fatalf("end %d of %d, torn %v", x.end, len(b), x.torn)
	}
}

// TestIndexTornTail: every prefix of an index decodes to the records wholly in it (a
// torn write ends the index), or is refused when even the description is not whole; a
// flipped byte ends the index at the record it hits.
func TestIndexTornTail(t *testing.T) {
	b := sampleIndex()
	full, _ := decodeIndex(b)
	for n := 0; n < len(b); n++ {
		x, err := decodeIndex(b[:n])
		if err != nil {
			if n >= int(full.ranges[0].off) {
				t.Fatalf("prefix of %d bytes refused: %v", n, err)
			}
			continue
		}
		if x.end > int64(n) || (x.end < int64(n)) != x.torn {
			t.Fatalf("prefix %d: end %d, torn %v", n, x.end, x.torn)
		}
		if len(x.ranges) > len(full.ranges) {
			t.Fatalf("prefix %d: %d ranges", n, len(x.ranges))
		}
	}
	for i := headerBytes; i < len(b); i++ {
		c := bytes.Clone(b)
		c[i] ^= 0x40
		x, err := decodeIndex(c)
		if err == nil && x.end > int64(i) {
			t.Fatalf("byte %d flipped: the index reads past it (end %d)", i, x.end)
		}
	}
}

func TestIndexRefusesOutOfPlaceRecords(t *testing.T) {
	d := Description{ID: "A", Size: 10, Created: time.Unix(1, 0)}
	// A range first (no description): refused.
	if _, err := decodeIndex(appendRange(appendHeader(nil), Range{0, 1}, 0, true)); err == nil {
		t.Fatal("an index without a description")
	}
	// A range past the size, a second description, a synced mark ahead of itself: the
	// index ends before them.
	for _, rec := range [][]byte{
		appendRange(nil, Range{5, 11}, 0, true),
		appendRange(nil, Range{5, 5}, 0, true),
		appendDescribe(nil, d),
		appendSynced(nil, 1<<40),
		appendState(nil, stateRec{State: numStates}),
	} {
		b := appendDescribe(appendHeader(nil), d)
		end := len(b)
		x, err := decodeIndex(append(b, rec...))
		if err != nil || x.end != int64(end) || !x.torn {
			t.Fatalf("record %x: end %d, torn %v, %v", rec, x.end, x.torn, err)
		}
	}
	bad := sampleIndex()
	bad[8] = 2 // version
	if _, err := decodeIndex(bad); err == nil {
		t.Fatal("version 2 read")
	}
}

// FuzzDecodeIndex: decoding never panics, and the records it reads encode back to the
// bytes of the valid prefix.
func FuzzDecodeIndex(f *testing.F) {
	f.Add(sampleIndex())
	f.Add(appendDescribe(appendHeader(nil), Description{ID: "x", Size: 1}))
	f.Add([]byte(indexMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := decodeIndex(b)
		if err != nil {
			return
		}
		if x.end < headerBytes || x.end > int64(len(b)) || (x.end < int64(len(b))) != x.torn {
			t.Fatalf("end %d of %d, torn %v", x.end, len(b), x.torn)
		}
		again, err := decodeIndex(b[:x.end])
		if err != nil || again.torn || !reflect.DeepEqual(again.ranges, x.ranges) || again.state != x.state || again.desc != x.desc {
			t.Fatalf("the valid prefix decodes differently: %v", err)
		}
		for _, r := range x.ranges {
			if r.From < 0 || r.From >= r.To || r.To > x.desc.Size {
				t.Fatalf("range %v of a %d-byte upload", r.Range, x.desc.Size)
			}
		}
	})
}
