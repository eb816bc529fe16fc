package live

import (
	"errors"
	"testing"
	"time"
)

// TestQuotaAcrossProjects: subscribers of two projects sharing a quota hold at most
// MaxSubscriptions together; what an unsubscribe, a deletion or a Close removes is given
// back, and a refused subscribe takes nothing.
func TestQuotaAcrossProjects(t *testing.T) {
	f := newFixture(t, 10*time.Millisecond) // MaxSubscriptions 8
	f.learnXY(1, 2)
	p2, err := f.reg.Create("c", "p2", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	q := f.n.NewQuota()
	r1, r2 := &recSink{}, &recSink{}
	s1, err := f.n.AttachQuota(f.p, r1, q)
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	s2, err := f.n.AttachQuota(p2, r2, q)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	used := func(want int) {
		t.Helper()
		if q.Used() != want {
			t.Fatalf("quota used %d, want %d", q.Used(), want)
		}
	}
	must(s1.Subscribe([]string{"x", "y", "*", "$log"}, [][2]string{{"x", "y"}}))
	used(5)
	must(s1.Subscribe([]string{"x"}, nil)) // already subscribed: restarts, takes nothing
	used(5)
	if err := s2.Subscribe([]string{"a", "b", "c", "d"}, nil); !errors.Is(err, ErrTooManySubscriptions) {
		t.Fatalf("4 more past 8 across the projects: %v", err)
	}
	if len(r2.kinds(KindSubscribed)) != 0 {
		t.Fatal("a refused subscribe was answered")
	}
	used(5)
	must(s2.Subscribe([]string{"a", "b", "c"}, nil))
	used(8)
	must(s1.Unsubscribe([]string{"y", "nope"}, nil))
	used(7)
	must(s2.Subscribe([]string{"d"}, nil))
	used(8)
	if err := f.reg.Delete("c", "p2"); err != nil {
		t.Fatal(err)
	}
	f.waitClosed(r2)
	used(4)
	s1.Close()
	used(0)
	s1.Close() // idempotent: nothing given back twice
	used(0)
}
