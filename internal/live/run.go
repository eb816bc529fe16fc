package live

import (
	"math"
	"sync"
	"time"

	"github.com/symscore/symscore/model"
)

// runState is what the hub's loop keeps between runs. Only the loop goroutine touches
// it — due, under the hub's mu, reads lastRead and nextDue, which only the loop writes —
// but for the delivery workers of a run (deliver), which read the run's reading and value
// states and make Values under valMu, each with a worker of its own.
type runState struct {
	req      model.ReadRequest
	rd       model.Reading
	id       uint64    // runs so far: a valState read by this run has lastRun == id
	lastRead time.Time // when the last run read the project
	nextDue  time.Time // the earliest time a deferred subscription may be sent; zero: none

	nameIdx map[string]int // attribute name → index, for the names of rd
	indexed int            // names of rd in nameIdx
	attrs   []valState     // by attribute index
	pairs   map[[2]string]*valState
	project valState

	events  []modelEntry // model events of this run (version ≤ rd.Version)
	log     []LogEntry   // $log entries up to logTop, the last ones (≤ MaxLogEntries)
	logTop  uint64       // seq of the last entry with version ≤ rd.Version
	subs    []*Subscriber
	workers []worker // delivery's: workers[0] on the hub's goroutine, the others alongside

	// valMu guards the Values made during delivery (valState.cur, curRun), which workers
	// running in parallel share.
	valMu sync.Mutex
}

// valState is one value the hub reads (an attribute's, a pair's, $project's): its last
// reading and the version at which it last changed.
type valState struct {
	lastRun uint64    // the run that read it last; valid only if == runState.id
	bits    [6]uint64 // the reading, bit for bit
	changed uint64    // the version of the reading where it last differed from the one before
	cur     *Value    // the Value of run curRun, shared by the subscribers it goes to
	curRun  uint64
}

// observe records this run's reading of a value: it changed unless the previous run
// read the same bits.
func (st *valState) observe(run, version uint64, bits [6]uint64) {
	if st.lastRun != run-1 || st.bits != bits {
		st.changed = version
	}
	st.lastRun, st.bits = run, bits
}

// runOnce reads the project once and delivers to every subscriber what it is due. It
// reports whether the hub is done (its project was deleted: every subscriber got
// closed).
func (h *hub) runOnce(now time.Time) (finished bool) {
	r := &h.run
	h.mu.Lock()
	h.dirty, h.kick = false, false
	if h.unionChanged {
		h.unionChanged = false
		h.requestLocked()
	}
	r.subs = append(r.subs[:0], h.subs...)
	deleted := h.deleted
	h.mu.Unlock()

	r.nextDue = time.Time{}
	h.p.Read(&r.req, &r.rd)
	r.lastRead = now
	r.id++
	h.takeEvents()
	h.observe()
	again := h.deliver(h.n.since(now))
	clear(r.subs)
	if deleted {
		h.closeAll()
		return true
	}
	if again {
		h.mu.Lock()
		h.kick = true
		h.mu.Unlock()
	}
	return false
}

// requestLocked rebuilds the reading request from the union of the subscriptions, and
// forgets the values of the pairs no one subscribes to any more. Caller holds h.mu.
func (h *hub) requestLocked() {
	r := &h.run
	r.req.All = h.starN > 0
	r.req.Names = r.req.Names[:0]
	if !r.req.All {
		for name := range h.nameN {
			r.req.Names = append(r.req.Names, name)
		}
	}
	r.req.Pairs = r.req.Pairs[:0]
	for pr := range h.pairN {
		r.req.Pairs = append(r.req.Pairs, pr)
	}
	for pr := range r.pairs {
		if h.pairN[pr] == 0 {
			delete(r.pairs, pr)
		}
	}
}

// takeEvents takes the model events and log entries of the changes the reading
// includes (version ≤ its version); later ones wait for the next run.
func (h *hub) takeEvents() {
	r := &h.run
	v := r.rd.Version
	h.mu.Lock()
	defer h.mu.Unlock()
	k := 0
	for k < len(h.models) && h.models[k].ev.Version <= v {
		k++
	}
	r.events = append(r.events[:0], h.models[:k]...)
	h.models = h.models[:copy(h.models, h.models[k:])]
	if len(h.models) > 0 {
		h.kick = true
	}
	r.log = r.log[:0]
	top := h.logSeq
	oldest := top - min(top, MaxLogEntries) // entries oldest+1 .. top are in the ring
	for top > oldest && h.logRing[(top-1)%MaxLogEntries].Version > v {
		top--
	}
	if top < h.logSeq {
		h.dirty = true
	}
	r.logTop = top
	if h.logN == 0 {
		return
	}
	for seq := oldest + 1; seq <= top; seq++ {
		r.log = append(r.log, h.logRing[(seq-1)%MaxLogEntries])
	}
}

// observe records the reading's values: which changed since the previous run.
func (h *hub) observe() {
	r := &h.run
	rd := &r.rd
	for ; r.indexed < len(rd.Names); r.indexed++ {
		r.nameIdx[rd.Names[r.indexed]] = r.indexed
	}
	for len(r.attrs) < len(rd.Names) {
		r.attrs = append(r.attrs, valState{})
	}
	v := rd.Version
	for _, u := range rd.Uni {
		if u.Index >= 0 {
			r.attrs[u.Index].observe(r.id, v, uniBits(&u.Uni))
		}
	}
	for k, b := range rd.Bi {
		pr := r.req.Pairs[k]
		st := r.pairs[pr]
		if st == nil {
			st = &valState{}
			r.pairs[pr] = st
		}
		if b.Found {
			st.observe(r.id, v, [6]uint64{math.Float64bits(b.Covar), math.Float64bits(b.LinCorr)})
		}
	}
	r.project.observe(r.id, v, [6]uint64{uint64(rd.Rows), uint64(len(rd.Names)), uint64(rd.Models),
		boolBits(rd.Frozen), uint64(rd.Modified.UnixNano())})
}

func uniBits(u *model.Uni) [6]uint64 {
	return [6]uint64{math.Float64bits(u.Count), math.Float64bits(u.Mean), math.Float64bits(u.Variance),
		math.Float64bits(u.Min), math.Float64bits(u.Max)}
}

func boolBits(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
