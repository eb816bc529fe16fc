package ops

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/symscore/symscore/protocol"
)

// Build job retention, per customer: memory is bounded by the customers (configured) times
// MaxRunningBuilds + maxFinishedJobs small records.
const (
	// MaxRunningBuilds is how many builds one customer may have running; one more is
	// refused with 503 (counted as the max_running_builds refusal).
	MaxRunningBuilds = 16
	// maxFinishedJobs is how many finished jobs one customer's table keeps; the oldest
	// finished is forgotten first.
	maxFinishedJobs = 256
	// JobRetention is how long a finished job can be read.
	JobRetention = time.Hour
)

var (
	errTooManyBuilds = protocol.Errorf(protocol.StatusServiceUnavailable,
		"too many builds running for this customer (%d); retry when one has finished", MaxRunningBuilds)
	errBuildsStopped = protocol.Errorf(protocol.StatusServiceUnavailable, "the server is shutting down: no new builds")
	// errBuildRunning is the refusal of a build of a model whose build is running: the
	// second could only replace the first, or be refused when the first is published.
	errBuildRunning = errors.New("ops: a build of this model is running")
)

// jobTable holds the build jobs of every customer. A job id is 128 random bits
// (crypto/rand.Text): unguessable, and looked up only among its customer's jobs. Safe for
// concurrent use.
type jobTable struct {
	now    func() time.Time
	run    func(func()) // starts a tracked goroutine (Server.goroutine)
	onStop func()       // called by shutdown once new builds are refused; may be nil

	mu      sync.Mutex // guards byCID, stopped
	byCID   map[string]*customerJobs
	stopped bool

	running sync.WaitGroup // jobs started and not finished; Add only under mu, before stopped
}

// customerJobs are one customer's jobs.
type customerJobs struct {
	jobs     map[string]*buildJob
	finished []*buildJob // in finishing order, oldest first
	running  int
	// building holds the keys of the running jobs (a project and model id, see start):
	// one job per model at a time.
	building map[string]struct{}
}

// buildJob is one job's outcome; every field but finishedCh is guarded by jobTable.mu.
type buildJob struct {
	id         string
	done       bool
	st         protocol.Status
	msg        string
	finished   time.Time
	finishedCh chan struct{} // closed when the job is done; immutable
}

func newJobTable(now func() time.Time, run func(func()), stopped func()) *jobTable {
	return &jobTable{now: now, run: run, onStop: stopped, byCID: make(map[string]*customerJobs)}
}

// start runs fn as a job of customer cid in a tracked goroutine and returns its id.
// fn returns the job's outcome. key names what the job builds: while it runs, another job
// of cid with the same key is refused. Refusals: errTooManyBuilds, errBuildsStopped,
// errBuildRunning.
func (t *jobTable) start(cid, key string, fn func() (protocol.Status, string)) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return "", errBuildsStopped
	}
	cj := t.byCID[cid]
	if cj == nil {
		cj = &customerJobs{jobs: make(map[string]*buildJob), building: make(map[string]struct{})}
		t.byCID[cid] = cj
	}
	t.expireLocked(cj)
	if cj.running >= MaxRunningBuilds {
		return "", errTooManyBuilds
	}
	if _, busy := cj.building[key]; busy {
		return "", errBuildRunning
	}
	j := &buildJob{id: rand.Text(), finishedCh: make(chan struct{})}
	for cj.jobs[j.id] != nil { // 2⁻¹²⁸; cheap to rule out
		j.id = rand.Text()
	}
	cj.jobs[j.id] = j
	cj.running++
	cj.building[key] = struct{}{}
	t.running.Add(1)
	t.run(func() {
		defer t.running.Done()
		st, msg := fn()
		t.finish(cj, j, key, st, msg)
	})
	return j.id, nil
}

func (t *jobTable) finish(cj *customerJobs, j *buildJob, key string, st protocol.Status, msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	j.done, j.st, j.msg, j.finished = true, st, msg, t.now()
	close(j.finishedCh)
	cj.running--
	delete(cj.building, key)
	cj.finished = append(cj.finished, j)
	t.expireLocked(cj)
}

// expireLocked forgets finished jobs past JobRetention or beyond maxFinishedJobs.
func (t *jobTable) expireLocked(cj *customerJobs) {
	now := t.now()
	drop := 0
	for drop < len(cj.finished) && (len(cj.finished)-drop > maxFinishedJobs || now.Sub(cj.finished[drop].finished) > JobRetention) {
		delete(cj.jobs, cj.finished[drop].id)
		drop++
	}
	if drop > 0 {
		n := copy(cj.finished, cj.finished[drop:])
		clear(cj.finished[n:])
		cj.finished = cj.finished[:n]
	}
}

// lookup returns the state of customer cid's job id: ACCEPTED "Job still running", OK "Job
// is finished", or the failed build's status and message; whether it is done, and a
// channel closed when it is. ok is false for an unknown, expired or other customer's job.
func (t *jobTable) lookup(cid, id string) (st JobState, finished <-chan struct{}, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cj := t.byCID[cid]
	if cj == nil {
		return JobState{}, nil, false
	}
	t.expireLocked(cj)
	j := cj.jobs[id]
	switch {
	case j == nil:
		return JobState{}, nil, false
	case !j.done:
		return JobState{Status: protocol.StatusAccepted, Msg: "Job still running"}, j.finishedCh, true
	}
	return JobState{Done: true, Status: j.st, Msg: j.msg}, j.finishedCh, true
}

// shutdown refuses new builds and waits for the running ones (or ctx), so that a build in
// progress reaches the store before it closes. A closer of Server.Shutdown.
func (t *jobTable) shutdown(ctx context.Context) error {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
	if t.onStop != nil {
		t.onStop()
	}
	done := make(chan struct{})
	go func() { t.running.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("build jobs still running: %w", ctx.Err())
	}
}
