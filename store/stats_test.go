package store

import (
	"os"
	"testing"
	"time"
)

// TestStats: the counts follow creates, models and deletes; LogBytes is the size of the
// segment files; a checkpoint that succeeds moves LastCheckpoint on and truncates.
func TestStats(t *testing.T) {
	dir := t.TempDir()
	before := time.Now()
	s := open(t, durable(dir))
	must(t, s.Create("c1", "p", "", nil))
	must(t, s.Create("c2", "q", "", nil))
	must(t, s.Create("c2", "gone", "", nil))
	for i := 0; i < 20; i++ {
		must(t, s.Learn("c1", "p", parse(t, rows(i*50, i*50+50), "")))
	}
	p, _ := s.Project("c1", "p")
	must(t, s.PutModelInto("c1", p, mlr(t, p, "m1")))
	must(t, s.PutModelInto("c1", p, mlr(t, p, "m2")))
	must(t, s.Delete("c2", "gone"))
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Projects != 2 || st.Models != 2 {
		t.Fatalf("%d projects, %d models; want 2 and 2", st.Projects, st.Models)
	}
	if want := filesBytes(t, segmentFiles(t, dir)); st.LogBytes != want || want == 0 {
		t.Fatalf("LogBytes %d, segment files %d", st.LogBytes, want)
	}
	if st.LastCheckpoint.Before(before) || st.LastCheckpoint.After(time.Now()) {
		t.Fatalf("LastCheckpoint %v before any checkpoint: want the end of recovery", st.LastCheckpoint)
	}
	mark := time.Now()
	must(t, s.Checkpoint())
	after, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if after.LastCheckpoint.Before(mark) {
		t.Fatalf("LastCheckpoint %v after a checkpoint begun at %v", after.LastCheckpoint, mark)
	}
	if after.LogBytes >= st.LogBytes {
		t.Fatalf("LogBytes %d after the checkpoint, %d before: the log was not truncated", after.LogBytes, st.LogBytes)
	}
	if want := filesBytes(t, segmentFiles(t, dir)); after.LogBytes != want {
		t.Fatalf("LogBytes %d, segment files %d", after.LogBytes, want)
	}
	// In memory: counts only.
	m := open(t, Options{})
	must(t, m.Create("c1", "p", "", nil))
	if st, err := m.Stats(); err != nil || st.Projects != 1 || st.LogBytes != 0 || !st.LastCheckpoint.IsZero() {
		t.Fatalf("in memory: %+v %v", st, err)
	}
}

func filesBytes(t *testing.T, paths []string) int64 {
	t.Helper()
	var n int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}
