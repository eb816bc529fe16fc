package live

import (
	"runtime"
	"sync"
	"time"

	"github.com/symscore/symscore/model"
)

// Delivery: what each subscriber of a run is due, and the Values it gets.

// worker is the state of one delivery goroutine in a run: its messages' scratch and what
// it found.
type worker struct {
	msgs    []Message
	again   bool          // a first value waits for a newer version: run again at once
	nextDue time.Duration // the earliest time a subscription it deferred may be sent (Notifier.since); 0: none
}

// parallelFrom is the number of subscribers from which a run's delivery is shared among
// several goroutines (one per processor, up to maxWorkers), so that the last subscriber
// of a large hub does not wait for all the others' writes.
const (
	parallelFrom = 256
	maxWorkers   = 8
)

// deliver hands every subscriber of the run what it is due — in parallel chunks for a
// large hub (each subscriber by one goroutine, so its messages stay in order) — and
// reports whether a first value waits for a newer version.
func (h *hub) deliver(now time.Duration) (again bool) {
	r := &h.run
	n := 1
	if len(r.subs) >= parallelFrom {
		n = min(runtime.GOMAXPROCS(0), maxWorkers, len(r.subs)/(parallelFrom/2))
	}
	for len(r.workers) < n {
		r.workers = append(r.workers, worker{})
	}
	chunk := (len(r.subs) + n - 1) / n
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		w, subs := &r.workers[i], r.subs[min(i*chunk, len(r.subs)):min((i+1)*chunk, len(r.subs))]
		wg.Add(1)
		h.n.o.Spawn(func() {
			defer wg.Done()
			for _, s := range subs {
				h.deliverTo(w, s, now)
			}
		})
	}
	w0 := &r.workers[0]
	for _, s := range r.subs[:min(chunk, len(r.subs))] {
		h.deliverTo(w0, s, now)
	}
	wg.Wait()
	for i := range r.workers[:n] {
		w := &r.workers[i]
		again = again || w.again
		if at := h.n.epoch.Add(w.nextDue); w.nextDue != 0 && (r.nextDue.IsZero() || at.Before(r.nextDue)) {
			r.nextDue = at
		}
		w.again, w.nextDue = false, 0
	}
	return again
}

// deliverTo sends subscriber s what it is due from this run: the attributes that joined,
// the model events, then each subscription's value if it has none yet, or if its value
// changed and its last one is at least an interval old (otherwise it is deferred, and
// the hub comes back for it).
func (h *hub) deliverTo(w *worker, s *Subscriber, now time.Duration) {
	r := &h.run
	rd := &r.rd
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	msgs := w.msgs[:0]
	if n := len(rd.Names); n > s.namesSent {
		msgs = append(msgs, Message{Kind: KindNames, Names: rd.Names[s.namesSent:n]})
		s.namesSent = n
	}
	if b := s.models; b != nil {
		for _, e := range r.events {
			if e.seq > b.seq {
				msgs = append(msgs, Message{Kind: KindModel, Model: e.ev})
				b.seq = e.seq
			}
		}
	}
	if b := s.project; b != nil && h.wants(w, b, &r.project, now) {
		msgs = append(msgs, Message{Kind: KindData, Value: h.projectValue()})
		h.sent(b, now)
	}
	if b := s.log; b != nil && r.logTop > b.seq && w.intervalPassed(b, now, h.n.o.Interval) {
		msgs = append(msgs, h.logMessage(b))
		b.seq, b.sentAt = r.logTop, now
	}
	for _, b := range s.order {
		i, ok := r.nameIdx[b.name]
		if !ok {
			continue // pending
		}
		if st := &r.attrs[i]; h.wants(w, b, st, now) {
			msgs = append(msgs, Message{Kind: KindData, Value: h.attrValue(i)})
			h.sent(b, now)
		}
	}
	if b := s.star; b != nil && r.req.All {
		msgs = h.starValues(w, msgs, s, b, now)
	}
	for _, pr := range s.pairSeq {
		if st := r.pairs[pr.pair]; st != nil && h.wants(w, pr.b, st, now) {
			msgs = append(msgs, Message{Kind: KindData, Value: h.pairValue(pr.pair, st)})
			h.sent(pr.b, now)
		}
	}
	if len(msgs) > 0 {
		s.deliverLocked(msgs) // a refusal closes s
	}
	clear(msgs)
	w.msgs = msgs[:0]
}

// wants reports whether subscription b is sent the value st this run: its first value
// (of a version at least its minVersion), or a changed value an interval after its last.
// A value not read by this run (subscribed since the reading was planned) waits for the
// next run.
func (h *hub) wants(w *worker, b *sub, st *valState, now time.Duration) bool {
	r := &h.run
	if st.lastRun != r.id {
		return false
	}
	if !b.sent {
		if r.rd.Version < b.minVersion {
			w.again = true
			return false
		}
		return true
	}
	return st.changed > b.version && w.intervalPassed(b, now, h.n.o.Interval)
}

// intervalPassed reports whether b's last message is an interval old; if not, the hub
// comes back for it then.
func (w *worker) intervalPassed(b *sub, now, interval time.Duration) bool {
	if b.sentAt == 0 {
		return true
	}
	at := b.sentAt + interval
	if now < at {
		if w.nextDue == 0 || at < w.nextDue {
			w.nextDue = at
		}
		return false
	}
	return true
}

// sent records that b was sent this run's value.
func (h *hub) sent(b *sub, now time.Duration) {
	v := h.run.rd.Version
	if b.sent && v > b.version+1 {
		h.n.m.Coalesced.Add(float64(v - b.version - 1))
	}
	b.sent, b.version, b.sentAt = true, v, now
}

// starValues appends what the wildcard subscription b of s is due: every attribute
// without a subscription of its own — all of them the first time, then those that
// changed or joined since, an interval after the last time.
func (h *hub) starValues(w *worker, msgs []Message, s *Subscriber, b *sub, now time.Duration) []Message {
	r := &h.run
	d := len(r.rd.Names)
	first := !b.sent
	if first {
		if r.rd.Version < b.minVersion {
			w.again = true
			return msgs
		}
	} else {
		changed := d > s.starN
		for i := 0; i < s.starN && !changed; i++ {
			changed = r.attrs[i].changed > b.version
		}
		if !changed || !w.intervalPassed(b, now, h.n.o.Interval) {
			return msgs
		}
	}
	for i := range d {
		if len(s.attrs) > 0 && s.attrs[r.rd.Names[i]] != nil {
			continue
		}
		if first || i >= s.starN || r.attrs[i].changed > b.version {
			msgs = append(msgs, Message{Kind: KindData, Value: h.attrValue(i)})
		}
	}
	h.sent(b, now)
	s.starN = d
	return msgs
}

// attrValue is attribute i's Value of this run, made once.
func (h *hub) attrValue(i int) *Value {
	r := &h.run
	st := &r.attrs[i]
	r.valMu.Lock()
	defer r.valMu.Unlock()
	if st.curRun != r.id {
		u := findUni(&r.rd, i)
		st.cur, st.curRun = newValue(&Value{Kind: ValueAttribute, Name: r.rd.Names[i], Uni: u}, &r.rd), r.id
	}
	return st.cur
}

// findUni is attribute i's uni metric in the reading.
func findUni(rd *model.Reading, i int) model.Uni {
	if i < len(rd.Uni) && rd.Uni[i].Index == i {
		return rd.Uni[i].Uni // a reading of every attribute
	}
	for _, u := range rd.Uni {
		if u.Index == i {
			return u.Uni
		}
	}
	return model.Uni{}
}

// pairValue is the pair's Value of this run, made once.
func (h *hub) pairValue(pr [2]string, st *valState) *Value {
	r := &h.run
	r.valMu.Lock()
	defer r.valMu.Unlock()
	if st.curRun != r.id {
		var b model.Bi
		for k, q := range r.req.Pairs {
			if q == pr {
				b = r.rd.Bi[k].Bi
				break
			}
		}
		st.cur, st.curRun = newValue(&Value{Kind: ValuePair, Pair: pr, Bi: b}, &r.rd), r.id
	}
	return st.cur
}

// projectValue is $project's Value of this run, made once.
func (h *hub) projectValue() *Value {
	r := &h.run
	st := &r.project
	r.valMu.Lock()
	defer r.valMu.Unlock()
	if st.curRun != r.id {
		rd := &r.rd
		st.cur, st.curRun = newValue(&Value{Kind: ValueProject, Name: TopicProject, Project: ProjectValues{
			Rows: rd.Rows, Attributes: len(rd.Names), Models: rd.Models, Frozen: rd.Frozen,
			LastModificationDate: rd.Modified,
		}}, rd), r.id
	}
	return st.cur
}

// newValue stamps v with the reading's version and time and encodes its JSON once.
func newValue(v *Value, rd *model.Reading) *Value {
	v.Version, v.Time = rd.Version, rd.Modified
	v.json = appendValueJSON(nil, v)
	return v
}

// logMessage is b's log message: the entries after b.seq, the last MaxLogEntries of
// them at most; dropped counts the others.
func (h *hub) logMessage(b *sub) Message {
	r := &h.run
	n := r.logTop - b.seq // entries since the last log message
	avail := uint64(len(r.log))
	take := min(n, avail)
	return Message{Kind: KindLog, Log: append([]LogEntry(nil), r.log[avail-take:]...), Dropped: n - take}
}

// closeAll ends every subscriber of a deleted project with a closed message, and the hub.
// A subscriber is ended before its closed message goes: what it held (its quota's
// share) is given back by the time its client reads that message.
func (h *hub) closeAll() {
	h.mu.Lock()
	h.done = true
	subs := append([]*Subscriber(nil), h.subs...)
	h.mu.Unlock()
	for _, s := range subs {
		s.mu.Lock()
		if !s.closed {
			s.endLocked()
			s.sink.Deliver([]Message{{Kind: KindClosed, Reason: "project deleted"}})
			s.hub.n.m.Sent.Inc()
		}
		s.mu.Unlock()
	}
	h.n.forget(h)
}
