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

// Job retention, per customer: memory is bounded by the customers (configured) times
// MaxRunningBuilds + maxFinishedJobs small records. Builds and upload finalizes are jobs
// alike.
const (
	// MaxRunningBuilds is how many jobs (builds and upload finalizes) one customer may
	// have running; one more is refused with 503 (counted as the max_running_builds
	// refusal).
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
	// errJobsUnavailable: the cluster's jobs bucket cannot be written (the bus is away).
	errJobsUnavailable = protocol.Errorf(protocol.StatusServiceUnavailable, "the cluster's bus is unreachable: no new builds for now")
)

// jobTable holds the jobs of every customer. A job id is 128 random bits
// (crypto/rand.Text): unguessable, and looked up only among its customer's jobs. Safe for
// concurrent use.
type jobTable struct {
	now    func() time.Time
	run    func(func()) // starts a tracked goroutine (Server.goroutine)
	onStop func()       // called by shutdown once new builds are refused; may be nil
	// onBoardErr reports a job state the jobs bucket did not take (logged).
	onBoardErr func(error)

	mu      sync.Mutex // guards byCID, stopped
	byCID   map[string]*customerJobs
	stopped bool

	running sync.WaitGroup // jobs started and not finished; Add only under mu, before stopped

	// board, on a cluster node, is the jobs bucket: a job's state is written there when it
	// starts and ends, and a job this table does not hold is looked up there. Never
	// called under mu. nil on a single node.
	board jobBoard
}

// customerJobs are one customer's jobs.
type customerJobs struct {
	cid      string
	jobs     map[string]*buildJob
	finished []*buildJob // in finishing order, oldest first
	running  int
	// building holds the keys of the running jobs (a project and model id, an upload; see
	// start): one job per key at a time.
	building map[string]struct{}
}

// buildJob is one job (a build, or an upload's finalize) and its outcome; every field but
// finishedCh and progress is guarded by jobTable.mu.
type buildJob struct {
	id         string
	done       bool
	st         protocol.Status
	msg        string
	rows       *JobRows // a finalize's rows applied and skipped, once done
	finished   time.Time
	finishedCh chan struct{} // closed when the job is done; immutable
	// progress reports a running finalize's progress; nil for builds. Immutable once
	// launched.
	progress func() JobProgress
	cj       *customerJobs
	key      string
}

// jobOutcome is what a job's function returns.
type jobOutcome struct {
	st   protocol.Status
	msg  string
	rows *JobRows
}

func newJobTable(now func() time.Time, run func(func()), stopped func()) *jobTable {
	return &jobTable{now: now, run: run, onStop: stopped, byCID: make(map[string]*customerJobs)}
}

// start runs fn as a job of customer cid in a tracked goroutine and returns its id.
// fn returns the job's outcome. key names what the job builds: while it runs, another job
// of cid with the same key is refused. Refusals: errTooManyBuilds, errBuildsStopped,
// errBuildRunning.
func (t *jobTable) start(cid, key string, fn func() (protocol.Status, string)) (string, error) {
	j, err := t.reserve(cid, key)
	if err != nil {
		return "", err
	}
	t.launch(j, nil, func() jobOutcome {
		st, msg := fn()
		return jobOutcome{st: st, msg: msg}
	})
	return j.id, nil
}

// reserve makes a job of customer cid with key (as start's), counted as running, whose id
// is known before it runs; launch runs it, abandon gives it up. Refusals: start's.
func (t *jobTable) reserve(cid, key string) (*buildJob, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return nil, errBuildsStopped
	}
	cj := t.byCID[cid]
	if cj == nil {
		cj = &customerJobs{cid: cid, jobs: make(map[string]*buildJob), building: make(map[string]struct{})}
		t.byCID[cid] = cj
	}
	t.expireLocked(cj)
	if cj.running >= MaxRunningBuilds {
		return nil, errTooManyBuilds
	}
	if _, busy := cj.building[key]; busy {
		return nil, errBuildRunning
	}
	j := &buildJob{id: rand.Text(), finishedCh: make(chan struct{}), cj: cj, key: key}
	for cj.jobs[j.id] != nil { // 2⁻¹²⁸; cheap to rule out
		j.id = rand.Text()
	}
	cj.jobs[j.id] = j
	cj.running++
	cj.building[key] = struct{}{}
	t.running.Add(1)
	if t.board.jobs != nil {
		// Every node must know the job before its id is answered.
		t.mu.Unlock()
		err := t.board.put(cid, j.id, JobState{Status: protocol.StatusAccepted})
		t.mu.Lock()
		if err != nil {
			delete(cj.jobs, j.id)
			delete(cj.building, key)
			cj.running--
			t.running.Done()
			return nil, fmt.Errorf("%w: %w", errJobsUnavailable, err)
		}
	}
	return j, nil
}

// launch runs a reserved job's fn in a tracked goroutine; progress, when not nil, says how
// far it got while it runs.
func (t *jobTable) launch(j *buildJob, progress func() JobProgress, fn func() jobOutcome) {
	j.progress = progress
	t.run(func() {
		defer t.running.Done()
		t.finish(j, fn())
	})
}

// abandon forgets a reserved job that will not run.
func (t *jobTable) abandon(j *buildJob) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(j.cj.jobs, j.id)
	delete(j.cj.building, j.key)
	j.cj.running--
	t.running.Done()
}

func (t *jobTable) finish(j *buildJob, o jobOutcome) {
	if t.board.jobs != nil {
		// Before the job is done here, so that once this node answers it done, so does
		// every node (unless the bus failed meanwhile: then only this one).
		if err := t.board.put(j.cj.cid, j.id, JobState{Done: true, Status: o.st, Msg: o.msg, Rows: o.rows}); err != nil {
			t.onBoardErr(err)
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	j.done, j.st, j.msg, j.rows, j.finished = true, o.st, o.msg, o.rows, t.now()
	close(j.finishedCh)
	cj := j.cj
	cj.running--
	delete(cj.building, j.key)
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
		st := JobState{Status: protocol.StatusAccepted, Msg: "Job still running"}
		if j.progress != nil {
			p := j.progress()
			st.Progress = &p
		}
		return st, j.finishedCh, true
	}
	return JobState{Done: true, Status: j.st, Msg: j.msg, Rows: j.rows}, j.finishedCh, true
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

// remote looks customer cid's job id up in the jobs bucket (a job another node runs):
// found false for none (or a single node), an error when the bucket cannot be read.
func (t *jobTable) remote(cid, id string) (JobState, bool, error) {
	if t.board.jobs == nil {
		return JobState{}, false, nil
	}
	return t.board.get(cid, id)
}
