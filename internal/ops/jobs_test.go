package ops

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/protocol"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// newTestJobTable is a job table on a fake clock whose jobs run in goroutines the test
// waits for.
func newTestJobTable(t *testing.T) (*jobTable, *fakeClock) {
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	return newJobTable(clk.now, func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }, nil), clk
}

func jobState(t *testing.T, jt *jobTable, cid, id string) (protocol.Status, string) {
	t.Helper()
	st, _, ok := jt.lookup(cid, id)
	if !ok {
		t.Fatalf("job %s of %s not found", id, cid)
	}
	return st.Status, st.Msg
}

func waitJob(t *testing.T, jt *jobTable, cid, id string) (protocol.Status, string) {
	t.Helper()
	var st protocol.Status
	var msg string
	testenv.Eventually(t, "job "+id, func() bool {
		st, msg = jobState(t, jt, cid, id)
		return st != protocol.StatusAccepted
	})
	return st, msg
}

func TestJobTableStates(t *testing.T) {
	jt, _ := newTestJobTable(t)
	release := make(chan struct{})
	running, err := jt.start("c1", "p/a", func() (protocol.Status, string) { <-release; return protocol.StatusOK, "Job is finished" })
	if err != nil {
		t.Fatal(err)
	}
	failed, err := jt.start("c1", "p/b", func() (protocol.Status, string) { return protocol.StatusBadRequest, "singular" })
	if err != nil {
		t.Fatal(err)
	}
	if len(running) != 26 || running == failed {
		t.Fatalf("ids %q, %q: want two distinct 26-character ids", running, failed)
	}
	if st, msg := jobState(t, jt, "c1", running); st != protocol.StatusAccepted || msg != "Job still running" {
		t.Fatalf("running job: %v %q", st, msg)
	}
	if st, msg := waitJob(t, jt, "c1", failed); st != protocol.StatusBadRequest || msg != "singular" {
		t.Fatalf("failed job: %v %q", st, msg)
	}
	close(release)
	if st, msg := waitJob(t, jt, "c1", running); st != protocol.StatusOK || msg != "Job is finished" {
		t.Fatalf("finished job: %v %q", st, msg)
	}
	for _, q := range []struct{ cid, id string }{{"c2", running}, {"c1", "nope"}, {"c3", failed}} {
		if _, _, ok := jt.lookup(q.cid, q.id); ok {
			t.Errorf("job %s found for customer %s", q.id, q.cid)
		}
	}
}

func TestJobTableRunningLimit(t *testing.T) {
	jt, _ := newTestJobTable(t)
	release := make(chan struct{})
	hold := func() (protocol.Status, string) { <-release; return protocol.StatusOK, "" }
	for i := range MaxRunningBuilds {
		if _, err := jt.start("c1", fmt.Sprintf("p/m%d", i), hold); err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
	}
	if _, err := jt.start("c1", "p/more", hold); err != errTooManyBuilds {
		t.Fatalf("job past the limit: %v", err)
	}
	// The limit is per customer.
	other, err := jt.start("c2", "p/m0", func() (protocol.Status, string) { return protocol.StatusOK, "" })
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, jt, "c2", other)
	close(release)
	testenv.Eventually(t, "the held jobs", func() bool {
		jt.mu.Lock()
		defer jt.mu.Unlock()
		return jt.byCID["c1"].running == 0
	})
	if _, err := jt.start("c1", "p/m0", hold); err != nil {
		t.Fatalf("job after the others finished: %v", err)
	}
}

// TestJobTableOneJobPerKey: while a job of a key runs, another of the same key and customer
// is refused; other keys and customers are not, and the key is free once the job is done.
func TestJobTableOneJobPerKey(t *testing.T) {
	jt, _ := newTestJobTable(t)
	release := make(chan struct{})
	hold := func() (protocol.Status, string) { <-release; return protocol.StatusBadRequest, "singular" }
	first, err := jt.start("c1", "p/m", hold)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jt.start("c1", "p/m", hold); err != errBuildRunning {
		t.Fatalf("second job of p/m: %v, want errBuildRunning", err)
	}
	for _, k := range []struct{ cid, key string }{{"c1", "p/m2"}, {"c1", "q/m"}, {"c2", "p/m"}} {
		id, err := jt.start(k.cid, k.key, func() (protocol.Status, string) { return protocol.StatusOK, "" })
		if err != nil {
			t.Fatalf("job %s of %s: %v", k.key, k.cid, err)
		}
		waitJob(t, jt, k.cid, id)
	}
	close(release)
	waitJob(t, jt, "c1", first) // a failed job frees its key too
	id, err := jt.start("c1", "p/m", func() (protocol.Status, string) { return protocol.StatusOK, "" })
	if err != nil {
		t.Fatalf("job of p/m after the first finished: %v", err)
	}
	waitJob(t, jt, "c1", id)
}

func TestJobTableRetention(t *testing.T) {
	jt, clk := newTestJobTable(t)
	ok := func() (protocol.Status, string) { return protocol.StatusOK, "" }
	var ids []string
	for range maxFinishedJobs + 10 {
		id, err := jt.start("c1", "p/m", ok)
		if err != nil {
			t.Fatal(err)
		}
		waitJob(t, jt, "c1", id)
		ids = append(ids, id)
	}
	for i, id := range ids {
		if _, _, found := jt.lookup("c1", id); found != (i >= 10) {
			t.Errorf("job %d found %v: the %d most recent are kept", i, found, maxFinishedJobs)
		}
	}
	clk.advance(JobRetention - time.Second)
	if _, _, found := jt.lookup("c1", ids[len(ids)-1]); !found {
		t.Fatal("job expired before JobRetention")
	}
	clk.advance(2 * time.Second)
	if _, _, found := jt.lookup("c1", ids[len(ids)-1]); found {
		t.Fatal("job kept past JobRetention")
	}
	jt.mu.Lock()
	n := len(jt.byCID["c1"].jobs) + len(jt.byCID["c1"].finished)
	jt.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d records kept after every job expired", n)
	}
}

func TestJobTableShutdown(t *testing.T) {
	jt, _ := newTestJobTable(t)
	release := make(chan struct{})
	id, err := jt.start("c1", "p/m", func() (protocol.Status, string) { <-release; return protocol.StatusOK, "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := jt.shutdown(ctx); err == nil {
		t.Fatal("shutdown returned while a job was running")
	}
	if _, err := jt.start("c1", "p/n", func() (protocol.Status, string) { return protocol.StatusOK, "" }); err != errBuildsStopped {
		t.Fatalf("start after shutdown: %v", err)
	}
	close(release)
	if err := jt.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st, _ := jobState(t, jt, "c1", id); st != protocol.StatusOK {
		t.Fatalf("job state %v after shutdown waited for it", st)
	}
}
