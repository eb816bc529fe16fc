package live

import (
	"sync"
	"time"

	"github.com/symscore/symscore/model"
)

// hub is one project's change notifier: the project's Observer, the union of its
// subscribers' subscriptions, and the goroutine (loop) that reads values and delivers
// them. Learners only mark it dirty and wake it (Applied); everything else happens on
// its goroutine, which reads the project under its read lock for a moment per run.
type hub struct {
	n    *Notifier
	p    *model.Project
	wake chan struct{} // capacity 1: a pending wake-up
	stop chan struct{} // closed by Notifier.retire

	mu   sync.Mutex // guards the fields below, up to the run state
	subs []*Subscriber
	// The union of the subscriptions: the wildcard's subscribers, the subscribers of
	// each attribute name and pair, of $log and of $models.
	starN        int
	nameN        map[string]int
	pairN        map[[2]string]int
	logN         int
	modelsN      int
	unionChanged bool
	dirty        bool // changes since the last read
	kick         bool // run at once: first values wanted, model events, a delete
	deleted      bool // the project was deleted: the next run is the last
	done         bool // the last run has closed every subscriber: Attach refuses
	// $log: the last MaxLogEntries changes, logRing[(seq-1) % MaxLogEntries] holding
	// entry seq; logSeq entries appended in all (while someone subscribes to $log).
	logRing []LogEntry
	logSeq  uint64
	// $models: the events not yet delivered (while someone subscribes to $models).
	models   []modelEntry
	modelSeq uint64

	run runState // the loop goroutine's alone
}

// modelEntry is a model event and its number.
type modelEntry struct {
	seq uint64
	ev  ModelEvent
}

func newHub(n *Notifier, p *model.Project) *hub {
	return &hub{
		n: n, p: p,
		wake:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		nameN: make(map[string]int),
		pairN: make(map[[2]string]int),
		run:   runState{nameIdx: make(map[string]int), pairs: make(map[[2]string]*valState)},
	}
}

// Applied implements model.Observer: a change was applied to the project (under its
// write lock). It records what the change was and wakes the hub; it never waits for a
// subscriber.
func (h *hub) Applied(_ *model.Project, c model.Change) {
	h.mu.Lock()
	switch c.Op {
	case model.OpDelete:
		h.deleted, h.kick = true, true
	case model.OpModelBuilt, model.OpModelDeleted:
		if h.modelsN > 0 {
			h.modelSeq++
			h.models = append(h.models, modelEntry{h.modelSeq, ModelEvent{
				Deleted: c.Op == model.OpModelDeleted, ModelID: c.ModelID, ModelType: c.ModelType,
				Version: c.Version, Time: c.At,
			}})
			h.kick = true
		}
	default:
		if h.logN > 0 {
			if h.logRing == nil {
				h.logRing = make([]LogEntry, MaxLogEntries)
			}
			h.logRing[h.logSeq%MaxLogEntries] = LogEntry{Op: c.Op, Rows: c.Rows, Version: c.Version, Time: c.At}
			h.logSeq++
		}
	}
	h.dirty = true
	h.mu.Unlock()
	h.wakeUp()
}

// wakeUp makes the loop look at the hub again.
func (h *hub) wakeUp() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// loop runs the hub: it waits for a change, a first value wanted or a deferred value's
// time, and runs (runOnce) when one is due — for changes, at most once per interval, so
// that a burst of changes costs one reading per interval whatever their number.
func (h *hub) loop() {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-h.wake:
		case <-timer.C:
		case <-h.stop:
			return
		}
		for {
			now := time.Now()
			run, wait, empty := h.due(now)
			if empty {
				h.n.retire(h) // closes stop unless a subscriber came meanwhile
				break
			}
			if !run {
				if wait > 0 {
					timer.Reset(wait)
				}
				break
			}
			if h.runOnce(now) {
				return
			}
		}
	}
}

// due says whether a run is due at now and, if not, how long until one is (0: none
// planned); empty when the hub has no subscriber left.
func (h *hub) due(now time.Time) (run bool, wait time.Duration, empty bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deleted || h.kick {
		return true, 0, false
	}
	if len(h.subs) == 0 {
		return false, 0, true
	}
	r := &h.run
	if h.dirty {
		at := r.lastRead.Add(h.n.o.Interval)
		if !now.Before(at) {
			return true, 0, false
		}
		wait = at.Sub(now)
	}
	if !r.nextDue.IsZero() {
		if !now.Before(r.nextDue) {
			return true, 0, false
		}
		if w := r.nextDue.Sub(now); wait == 0 || w < wait {
			wait = w
		}
	}
	return false, wait, false
}

// dropNameLocked removes one subscriber of attribute name from the union. Caller holds
// h.mu.
func (h *hub) dropNameLocked(name string) {
	if h.nameN[name]--; h.nameN[name] <= 0 {
		delete(h.nameN, name)
	}
}

// dropPairLocked removes one subscriber of pair pr from the union. Caller holds h.mu.
func (h *hub) dropPairLocked(pr [2]string) {
	if h.pairN[pr]--; h.pairN[pr] <= 0 {
		delete(h.pairN, pr)
	}
}
