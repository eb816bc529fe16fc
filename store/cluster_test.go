package store

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/model"
)

// kindLog is a bus member that records the kind of every record appended through it.
type kindLog struct {
	*busLog
	kinds []byte
}

func (l *kindLog) Append(rec []byte, local any) (uint64, error) {
	l.kinds = append(l.kinds, rec[1])
	return l.busLog.Append(rec, local)
}

// TestDeltaRecords: with Options.DeltaRecords every learn and forget is logged as its
// summary delta, one row included; the statistics equal those of a store that logged rows
// (to 1e-12 relative: a merge rounds where row-by-row accumulation does not), and a replay
// of the log gives the same bits.
func TestDeltaRecords(t *testing.T) {
	b := &bus{}
	l := &kindLog{busLog: b.member()}
	s := open(t, Options{Log: l, DeltaRecords: true})
	plain := open(t, Options{})
	for _, st := range []*Store{s, plain} {
		must(t, st.Create("c1", "a", "", nil))
		for i := range 20 {
			must(t, st.Learn("c1", "a", parse(t, rows(10*i, 10*i+1+i%3), "")))
		}
		must(t, st.Forget("c1", "a", parse(t, rows(0, 1), "")))
	}
	want := map[byte]int{kindCreate: 1, kindLearnDelta: 20, kindForgetDelta: 1}
	got := map[byte]int{}
	for _, k := range l.kinds {
		got[k]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("record kinds %v, want %v", got, want)
	}
	p, _ := s.Project("c1", "a")
	q, _ := plain.Project("c1", "a")
	ps, qs := p.Snapshot(), q.Snapshot()
	if ps.Total.N != qs.Total.N || len(ps.Names) != len(qs.Names) {
		t.Fatalf("%d rows of %d attributes, want %d of %d", ps.Total.N, len(ps.Names), qs.Total.N, len(qs.Names))
	}
	near := func(what string, got, want float64) {
		if math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
			t.Fatalf("%s: %v, rows-logged store %v", what, got, want)
		}
	}
	for i := range ps.Names {
		near("mean of "+ps.Names[i], ps.Total.Mean[i], qs.Total.Mean[i])
		for j := range ps.Names {
			near("co-moment", ps.Total.At(i, j), qs.Total.At(i, j))
		}
	}
	replayed := open(t, Options{Log: &busLog{b: b}})
	sameState(t, dump(t, replayed, "c1"), dump(t, s, "c1"))
}

// TestDeltaRecordsGiveWayToLargeDeltas: a frame whose delta would take far more than its
// rows (a T column of a distinct value per row) is logged as rows even with DeltaRecords.
func TestDeltaRecordsGiveWayToLargeDeltas(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"attributeNames":["x","t"],"attributeTypes":["C","T"],"data":[`)
	for i := range 600 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `["%d","v%d"]`, i, i)
	}
	sb.WriteString(`]}`)
	l := &kindLog{busLog: (&bus{}).member()}
	s := open(t, Options{Log: l, DeltaRecords: true})
	must(t, s.Create("c1", "a", "", nil))
	must(t, s.Learn("c1", "a", parse(t, sb.String(), "")))
	if k := l.kinds[len(l.kinds)-1]; k != kindLearn {
		t.Fatalf("logged as %s, want rows", kindName(k))
	}
}

// replayLog refuses the seen records it was told to (a cluster log's duplicate window),
// or fails every Note.
type replayLog struct {
	*busLog
	seen map[[16]byte]bool
	fail error
	n    int
}

func (l *replayLog) Note(rec []byte) error {
	l.n++
	if l.fail != nil {
		return l.fail
	}
	var dec decoder
	r, err := decodeRecord(rec, &dec)
	if err != nil || r.kind != kindSeen {
		return fmt.Errorf("not a seen record: %v", err)
	}
	if l.seen[r.seenKey] {
		return fmt.Errorf("message id %x: %w", r.seenKey, ErrReplayed)
	}
	l.seen[r.seenKey] = true
	return nil
}

// TestRecordSeenThroughALog: with Options.Log and no directory, RecordSeen hands the seen
// record to the log, whose ErrReplayed comes back as is and any other error as
// ErrUnavailable; in memory alone it does nothing.
func TestRecordSeenThroughALog(t *testing.T) {
	l := &replayLog{busLog: (&bus{}).member(), seen: map[[16]byte]bool{}}
	s := open(t, Options{Log: l})
	key := [16]byte{1, 2, 3}
	must(t, s.RecordSeen(key, time.Now()))
	err := s.RecordSeen(key, time.Now())
	if !errors.Is(err, ErrReplayed) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("a replay: %v", err)
	}
	l.fail = errors.New("bus down")
	if err := s.RecordSeen([16]byte{9}, time.Now()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("a failing log: %v", err)
	}
	if l.n != 3 {
		t.Fatalf("%d notes, want 3", l.n)
	}
	mem := open(t, Options{})
	must(t, mem.RecordSeen(key, time.Now()))
	must(t, mem.RecordSeen(key, time.Now()))
}

// TestChangesDatedAfterOthers: a change made after a record from another node whose clock
// is ahead is dated after that record: dates never go backwards in a project.
func TestChangesDatedAfterOthers(t *testing.T) {
	b := &bus{}
	s := open(t, Options{Log: b.member()})
	must(t, s.Create("c1", "a", "", nil))
	p, _ := s.Project("c1", "a")
	ahead := time.Now().Add(time.Hour)
	b.mu.Lock()
	rec := appendProjectHead(nil, kindLearnDelta, "c1", "a", p.Created())
	rec = appendLimits(rec, model.Unlimited)
	d := model.NewDelta(false)
	var rs model.Rows
	must(t, rs.SetFrame(parse(t, rows(0, 5), "")))
	if _, err := d.AddRowsWithin(&rs, 1<<20); err != nil {
		t.Fatal(err)
	}
	rec = d.AppendBinary(rec)
	setRecordTime(rec, ahead)
	b.publish(nil, rec, nil)
	b.mu.Unlock()
	if p.Rows() != 5 {
		t.Fatalf("%v rows after the other node's learn", p.Rows())
	}
	must(t, s.Learn("c1", "a", parse(t, rows(5, 6), "")))
	if got := p.Info().LastModificationDate; !got.After(ahead) {
		t.Fatalf("modified %v, not after the other node's change at %v", got, ahead)
	}
}

func TestRecordProjectAndSeenKey(t *testing.T) {
	rec := appendProjectHead(nil, kindDelete, "c1", "p.1", time.Now())
	cid, pid, ok := RecordProject(rec)
	if !ok || string(cid) != "c1" || string(pid) != "p.1" {
		t.Fatalf("RecordProject = %q, %q, %v", cid, pid, ok)
	}
	if _, ok := SeenKey(rec); ok {
		t.Fatal("a delete record has a seen key")
	}
	key := [16]byte{7, 6, 5}
	seen := appendSeen(nil, key, time.Now())
	if got, ok := SeenKey(seen); !ok || got != key {
		t.Fatalf("SeenKey = %x, %v", got, ok)
	}
	if cid, pid, ok := RecordProject(seen); !ok || len(cid)+len(pid) != 0 {
		t.Fatalf("a seen record is about %q, %q (%v)", cid, pid, ok)
	}
	for _, bad := range [][]byte{nil, {9}, rec[:5], rec[:len(rec)-12]} {
		if _, _, ok := RecordProject(bad); ok {
			t.Errorf("RecordProject(%x) accepted", bad)
		}
		if _, ok := SeenKey(bad); ok {
			t.Errorf("SeenKey(%x) accepted", bad)
		}
	}
}

// TestReplayOfAChangeAfterAnotherNodesDelete: a learn prepared on one node while another
// node deleted the project is logged after the delete and refused on every node; a store
// that replays the log from the start (a node joining) reaches the same refusal instead of
// taking the record for one whose project's snapshot is missing.
func TestReplayOfAChangeAfterAnotherNodesDelete(t *testing.T) {
	b := &bus{}
	s := open(t, Options{Log: b.member()})
	must(t, s.Create("c1", "a", "", nil))
	p, _ := s.Project("c1", "a")
	b.before = func(b *bus) {
		rec := appendProjectHead(nil, kindDelete, "c1", "a", p.Created())
		setRecordTime(rec, time.Now())
		b.publish(nil, rec, nil)
	}
	if err := s.Learn("c1", "a", parse(t, rows(0, 3), "")); !errors.Is(err, model.ErrProjectNotFound) {
		t.Fatalf("a learn logged after the project's delete: %v", err)
	}
	must(t, s.Create("c1", "b", "", nil))
	replayed := open(t, Options{Log: &busLog{b: b}})
	sameState(t, dump(t, replayed, "c1"), dump(t, s, "c1"))
	if got := replayed.List("c1"); len(got) != 1 || got[0] != "b" {
		t.Fatalf("projects after the replay: %v", got)
	}
}

// FuzzRecordProject: RecordProject and SeenKey never panic, and agree with the decoder on
// every record it accepts: the same customer and project, the replay key of a seen record
// and of nothing else.
func FuzzRecordProject(f *testing.F) {
	for _, enc := range realRecords(f) {
		f.Add(enc)
	}
	f.Add(appendSeen(nil, [16]byte{1, 2}, time.Unix(1, 2)))
	f.Fuzz(func(t *testing.T, b []byte) {
		cid, pid, ok := RecordProject(b)
		key, seen := SeenKey(b)
		var dec decoder
		rec, err := decodeRecord(b, &dec)
		if err != nil {
			if seen {
				t.Fatal("SeenKey accepted what does not decode")
			}
			return
		}
		if !ok || !bytes.Equal(cid, rec.cid) || !bytes.Equal(pid, rec.pid) {
			t.Fatalf("RecordProject = %q, %q, %v; the record's are %q, %q", cid, pid, ok, rec.cid, rec.pid)
		}
		if seen != (rec.kind == kindSeen) || (seen && key != rec.seenKey) {
			t.Fatalf("SeenKey = %x, %v for a %s record", key, seen, kindName(rec.kind))
		}
	})
}

// TestAddModelRefusedWhereverTheIDIsTaken: a new model refused when its id is taken, when
// the change is prepared or — another node's model of the same id logged first — when it
// is applied; every node reaches the same refusal, and so does a replay. PutModelInto
// replaces.
func TestAddModelRefusedWhereverTheIDIsTaken(t *testing.T) {
	b := &bus{}
	s := open(t, Options{Log: b.member()})
	other := open(t, Options{Log: b.member()})
	must(t, s.Create("c1", "a", "", nil))
	must(t, s.Learn("c1", "a", parse(t, rows(0, 40), "")))
	p, _ := s.Project("c1", "a")
	q, _ := other.Project("c1", "a")
	must(t, s.AddModelInto("c1", p, mlr(t, p, "m")))
	if err := s.AddModelInto("c1", p, mlr(t, p, "m")); !errors.Is(err, ErrModelExists) {
		t.Fatalf("a new model of a taken id: %v", err)
	}
	next := s.log.NextSeq()
	b.before = func(b *bus) {
		// The other node's model "n", logged between this one's check and its append.
		m := mlr(t, q, "n")
		blob, err := m.MarshalBinary()
		must(t, err)
		rec := appendProjectHead(nil, kindModelNew, "c1", "a", p.Created())
		rec = appendBytes(appendLimits(rec, model.Unlimited), blob)
		setRecordTime(rec, time.Now())
		b.publish(nil, rec, nil)
	}
	if err := s.AddModelInto("c1", p, mlr(t, p, "n")); !errors.Is(err, ErrModelExists) {
		t.Fatalf("a new model logged after another node's of the same id: %v", err)
	}
	if got := s.log.NextSeq(); got != next+2 {
		t.Fatalf("next sequence %d, want %d: both records logged", got, next+2)
	}
	must(t, s.PutModelInto("c1", p, mlr(t, p, "n"))) // replacing is allowed
	sameState(t, dump(t, other, "c1"), dump(t, s, "c1"))
	replayed := open(t, Options{Log: &busLog{b: b}})
	sameState(t, dump(t, replayed, "c1"), dump(t, s, "c1"))
}
