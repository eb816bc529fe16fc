package store

import (
	"testing"

	"github.com/symscore/symscore/wal"
)

// TestLearnAllocs: once warm, a learn through a durable store allocates nothing, logged as
// its rows (a small frame with a T column) or as its summary delta (a large one).
func TestLearnAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	opts := durable(t.TempDir())
	opts.Mode = wal.ModeNone
	opts.SegmentBytes = 64 << 20
	s := open(t, opts)
	must(t, s.Create("c1", "a", "", nil))
	for name, f := range map[string]string{"rows": rows(0, 2), "delta": rows(0, 200)} {
		frame := parse(t, f, "")
		for range 10 {
			must(t, s.Learn("c1", "a", frame))
		}
		if n := testing.AllocsPerRun(200, func() { must(t, s.Learn("c1", "a", frame)) }); n != 0 {
			t.Errorf("%s: %v allocations per learn", name, n)
		}
	}
}
