package store

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/model"
)

// bus is a shared log in memory, as a cluster's would be: every record appended through
// any of its members gets the next sequence number and is delivered to every member in
// that order — with its local value to the member that appended it, nil to the others.
type bus struct {
	mu      sync.Mutex // guards recs and members; held while delivering
	recs    [][]byte
	members []*busLog
	// before, when set, runs (under mu) before the next record is given its number.
	before func(b *bus)
}

// busLog is a member's Log.
type busLog struct {
	b       *bus
	deliver Deliver
}

func (b *bus) member() *busLog {
	l := &busLog{b: b}
	b.mu.Lock()
	b.members = append(b.members, l)
	b.mu.Unlock()
	return l
}

// publish appends rec as appended by from (nil: by no member). Caller holds mu.
func (b *bus) publish(from *busLog, rec []byte, local any) uint64 {
	b.recs = append(b.recs, bytes.Clone(rec))
	seq := uint64(len(b.recs))
	for _, m := range b.members {
		if m.deliver == nil {
			continue // not started: it replays this record
		}
		if m == from {
			m.deliver(seq, rec, local)
		} else {
			m.deliver(seq, rec, nil)
		}
	}
	return seq
}

func (l *busLog) Replay(from uint64, fn func(uint64, []byte) error) error {
	l.b.mu.Lock()
	defer l.b.mu.Unlock()
	for i, rec := range l.b.recs {
		if seq := uint64(i + 1); seq >= from {
			if err := fn(seq, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *busLog) Start(d Deliver) {
	l.b.mu.Lock()
	l.deliver = d
	l.b.mu.Unlock()
}

func (l *busLog) Append(rec []byte, local any) (uint64, error) {
	l.b.mu.Lock()
	defer l.b.mu.Unlock()
	if f := l.b.before; f != nil {
		l.b.before = nil
		f(l.b)
	}
	return l.b.publish(l, rec, local), nil
}

func (l *busLog) Note([]byte) error           { return nil }
func (l *busLog) Sync() error                 { return nil }
func (l *busLog) TruncateBefore(uint64) error { return nil }
func (l *busLog) Err() error                  { return nil }
func (l *busLog) Close() error                { return nil }
func (l *busLog) Undelivered() uint64         { return l.NextSeq() }

func (l *busLog) NextSeq() uint64 {
	l.b.mu.Lock()
	defer l.b.mu.Unlock()
	return uint64(len(l.b.recs)) + 1
}

// TestRefusalAtApplicationIsTheAnswer: a learn checked against an unfrozen project, but
// logged after a freeze that reached the log first, is refused when it is applied — the
// caller's answer is that refusal, nothing changed — and a replay of the same log reaches
// the same refusal and the same state.
func TestRefusalAtApplicationIsTheAnswer(t *testing.T) {
	b := &bus{}
	s := open(t, Options{Log: b.member()})
	must(t, s.Create("c1", "a", "", nil))
	must(t, s.Learn("c1", "a", parse(t, rows(0, 10), "")))
	p, _ := s.Project("c1", "a")
	before := p.Rows()
	b.before = func(b *bus) {
		// Another node's freeze, appended between this learn's check and its append.
		rec := appendProjectHead(nil, kindFreeze, "c1", "a", p.Created())
		setRecordTime(rec, time.Now())
		b.publish(nil, append(rec, 1), nil)
	}
	for _, frame := range []string{rows(10, 12), rows(10, 400)} { // rows, delta
		if err := s.Learn("c1", "a", parse(t, frame, "")); !errors.Is(err, model.ErrFrozen) {
			t.Fatalf("learn logged after a freeze: %v", err)
		}
	}
	if !p.Frozen() || p.Rows() != before {
		t.Fatalf("frozen %v, %d rows (was %d)", p.Frozen(), p.Rows(), before)
	}
	replayed := open(t, Options{Log: &busLog{b: b}})
	sameState(t, dump(t, replayed, "c1"), dump(t, s, "c1"))
}

// TestStoresSharingALogHoldTheSameBits: two stores on one shared log (two nodes of a
// cluster): each applies its own records and the other's in sequence order. After
// concurrent learns, forgets, freezes, builds and deletes on both, they hold the same
// state bit for bit, and so does a third that replays the log from the start.
func TestStoresSharingALogHoldTheSameBits(t *testing.T) {
	b := &bus{}
	nodes := []*Store{open(t, Options{Log: b.member()}), open(t, Options{Log: b.member()})}
	must(t, nodes[0].Create("c1", "a", "", nil))
	must(t, nodes[1].Create("c1", "b", "partition", map[string]string{"partitionSplit": "k"}))
	var wg sync.WaitGroup
	for n, s := range nodes {
		for w := range 3 {
			wg.Go(func() {
				for i := range 40 {
					lo := 1000*(10*n+w) + 10*i
					pid, part := "a", ""
					if i%2 == 1 {
						pid, part = "b", "k"
					}
					size := 2 + 200*(i%3/2) // rows and deltas
					if err := s.Learn("c1", pid, parse(t, rows(lo, lo+size), part)); err != nil {
						t.Error(err)
					}
					if i%5 == 4 {
						err := s.Forget("c1", pid, parse(t, rows(lo, lo+1), part))
						if err != nil && !errors.Is(err, model.ErrNegativeCount) {
							t.Error(err)
						}
					}
				}
			})
		}
	}
	wg.Go(func() {
		for i := range 10 {
			s := nodes[i%2]
			pid := fmt.Sprintf("tmp%d", i)
			must(t, s.Create("c1", pid, "", nil))
			must(t, s.Learn("c1", pid, parse(t, rows(0, 50), "")))
			if p, err := s.Project("c1", pid); err == nil {
				must(t, s.PutModelInto("c1", p, mlr(t, p, "m")))
			}
			must(t, nodes[1-i%2].Delete("c1", pid))
		}
	})
	wg.Wait()
	must(t, nodes[1].SetFrozen("c1", "a", true))
	if err := nodes[0].Learn("c1", "a", parse(t, rows(0, 2), "")); !errors.Is(err, model.ErrFrozen) {
		t.Fatalf("learn on the other node after a freeze: %v", err)
	}
	pa, _ := nodes[0].Project("c1", "a")
	must(t, nodes[0].PutModelInto("c1", pa, mlr(t, pa, "m1")))
	want := dump(t, nodes[0], "c1")
	if got := dump(t, nodes[1], "c1"); got != want {
		sameState(t, got, want)
	}
	if q, _ := nodes[1].Project("c1", "a"); len(q.Models()) != 1 {
		t.Fatal("the model built on one node is not on the other")
	}
	third := open(t, Options{Log: &busLog{b: b}})
	sameState(t, dump(t, third, "c1"), want)
}
