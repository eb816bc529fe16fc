package upload

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/wal"
)

var modes = []wal.Mode{wal.ModeAlways, wal.ModeInterval, wal.ModeNone}

// content is a deterministic file of n bytes.
func content(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + rng.IntN(26))
	}
	return b
}

// chunks cuts b into chunks of at most size bytes, at positions.
func chunks(b []byte, size int) []Range {
	var out []Range
	for pos := 0; pos < len(b); pos += size {
		out = append(out, Range{int64(pos), int64(min(pos+size, len(b)))})
	}
	return out
}

// TestChunksOutOfOrderOverThreeWriters: the chunks of a file, shuffled and repeated, written
// by three goroutines at once (as three connections would), make the file; the received
// count reaches the size exactly once every byte is in.
func TestChunksOutOfOrderOverThreeWriters(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			m := openManager(t, options(t.TempDir(), mode, nil))
			want := content(300_001, 1)
			u := announce(t, m, "c1", int64(len(want)))
			cs := chunks(want, 4096)
			cs = append(cs, cs[:20]...) // repeats
			rng := rand.New(rand.NewPCG(2, 3))
			rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
			var wg sync.WaitGroup
			for w := range 3 {
				wg.Go(func() {
					for i := w; i < len(cs); i += 3 {
						r := cs[i]
						got, err := u.Write(r.From, want[r.From:r.To])
						if err != nil || got < r.Len() || got > int64(len(want)) {
							t.Errorf("Write(%v) = %d, %v", r, got, err)
							return
						}
					}
				})
			}
			wg.Wait()
			st := u.Status()
			if st.Received != int64(len(want)) || !st.Complete || len(st.Missing) != 0 || st.State != Receiving {
				t.Fatalf("status %+v", st)
			}
			if !bytes.Equal(fileOf(t, m, u.ID()), want) {
				t.Fatal("the file is not what was sent")
			}
		})
	}
}

// TestChunkRefusals: a conflicting chunk (different bytes where some were received) is
// CONFLICT and writes nothing, even its new bytes; a chunk past the size is refused; a
// repeated chunk with the same bytes is fine.
func TestChunkRefusals(t *testing.T) {
	m := openManager(t, options(t.TempDir(), wal.ModeAlways, nil))
	want := content(1000, 2)
	u := announce(t, m, "c1", 1000)
	got, err := u.Write(100, want[100:200])
	if err != nil || got != 100 {
		t.Fatalf("first chunk: %d, %v", got, err)
	}
	if got, err := u.Write(100, want[100:200]); err != nil || got != 100 {
		t.Fatalf("repeated chunk: %d, %v", got, err)
	}
	if got, err := u.Write(150, want[150:180]); err != nil || got != 100 {
		t.Fatalf("a chunk inside a received range: %d, %v", got, err)
	}
	bad := bytes.Clone(want[50:250])
	bad[120] ^= 1 // position 170: received already, differs
	refusal(t, get(u.Write(50, bad)), ErrConflict)
	if st := u.Status(); st.Received != 100 {
		t.Fatalf("after a conflicting chunk %d bytes received", st.Received)
	}
	if f := fileOf(t, m, u.ID()); !bytes.Equal(f[50:100], make([]byte, 50)) || !bytes.Equal(f[200:250], make([]byte, 50)) {
		t.Fatal("a conflicting chunk wrote its new bytes")
	}
	refusal(t, get(u.Write(990, want[:11])), ErrBadRequest)
	refusal(t, get(u.Write(1000, want[:1])), ErrBadRequest)
	refusal(t, get(u.Write(-1, want[:1])), ErrBadRequest)
	if got, err := u.Write(990, want[990:]); err != nil || got != 110 {
		t.Fatalf("the last chunk: %d, %v", got, err)
	}
}

// get drops Write's count.
func get(_ int64, err error) error { return err }

// TestTooManyRanges: a client scattering single bytes is refused once the upload would
// hold more disjoint ranges than allowed; filling the gaps is still accepted.
func TestTooManyRanges(t *testing.T) {
	o := options(t.TempDir(), wal.ModeNone, nil)
	o.MaxRanges = 5
	m := openManager(t, o)
	u := announce(t, m, "c1", 100)
	for i := range 5 {
		must(t, get(u.Write(int64(i*10), []byte{'x'})))
	}
	refusal(t, get(u.Write(60, []byte{'x'})), ErrBadRequest)
	must(t, get(u.Write(1, make([]byte, 9)))) // joins two ranges
	must(t, get(u.Write(60, []byte{'x'})))
}

// TestAnnounceLimits: size, format, the uploads of a customer and the disk budget, each
// refused with its sentinel; a deleted upload gives its place back.
func TestAnnounceLimits(t *testing.T) {
	o := options(t.TempDir(), wal.ModeAlways, nil)
	o.MaxUploadBytes, o.MaxUploads, o.MaxDiskBytes = 1000, 2, 1500
	m := openManager(t, o)
	_, err := m.Announce("c1", "p", "f", "csv", 1001)
	refusal(t, err, ErrTooLarge)
	_, err = m.Announce("c1", "p", "f", "parquet", 10)
	refusal(t, err, ErrBadRequest)
	_, err = m.Announce("c1", "p", "f", "csv", 0)
	refusal(t, err, ErrBadRequest)
	a := announce(t, m, "c1", 1000)
	_, err = m.Announce("c2", "p", "f", "csv", 501)
	refusal(t, err, ErrDiskBudget)
	announce(t, m, "c1", 400)
	_, err = m.Announce("c1", "p", "f", "csv", 10)
	refusal(t, err, ErrTooMany)
	announce(t, m, "c2", 100)
	if bytes, n := m.Reserved(); bytes != 1500 || n != 3 {
		t.Fatalf("reserved %d bytes for %d uploads", bytes, n)
	}
	must(t, m.Delete("c1", a.ID()))
	announce(t, m, "c1", 1000)
	if _, err := os.Stat(m.dataPath(a.ID())); !os.IsNotExist(err) {
		t.Fatalf("the deleted upload's file: %v", err)
	}
	refusal(t, get(a.Write(0, []byte{1})), ErrNotFound)
}

// TestOtherCustomer: another customer's upload cannot be found, listed or deleted.
func TestOtherCustomer(t *testing.T) {
	m := openManager(t, options(t.TempDir(), wal.ModeAlways, nil))
	u := announce(t, m, "c1", 10)
	_, err := m.Get("c2", u.ID())
	refusal(t, err, ErrNotFound)
	refusal(t, m.Delete("c2", u.ID()), ErrNotFound)
	if l := m.List("c2"); len(l) != 0 {
		t.Fatalf("c2 lists %d uploads", len(l))
	}
	if l := m.List("c1"); len(l) != 1 || l[0].ID != u.ID() {
		t.Fatalf("c1 lists %+v", l)
	}
	if _, err := m.Get("c1", u.ID()); err != nil {
		t.Fatal(err)
	}
}

// TestRestartKeepsRanges: after a clean restart and after an abandoned manager (a killed
// process), every acknowledged chunk is received, in every durability mode; the file and
// its state are as they were.
func TestRestartKeepsRanges(t *testing.T) {
	for _, mode := range modes {
		for _, clean := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/clean=%v", mode, clean), func(t *testing.T) {
				dir := t.TempDir()
				m := openManager(t, options(dir, mode, nil))
				want := content(50_000, 3)
				u := announce(t, m, "c1", int64(len(want)))
				acked := Ranges{}
				for i, r := range chunks(want, 1000) {
					if i%3 == 1 {
						continue
					}
					must(t, get(u.Write(r.From, want[r.From:r.To])))
					acked.Add(r)
				}
				id := u.ID()
				if clean {
					must(t, m.Close())
				} else {
					abandon(m)
				}
				m2 := openManager(t, options(dir, mode, nil))
				u2, err := m2.Get("c1", id)
				must(t, err)
				st := u2.Status()
				if st.Received != acked.Len() || !reflect.DeepEqual(st.Missing, acked.Missing(int64(len(want)), MaxMissing)) {
					t.Fatalf("after restart: received %d, want %d; missing %v", st.Received, acked.Len(), st.Missing)
				}
				for _, r := range acked.Missing(int64(len(want)), 0) {
					must(t, get(u2.Write(r.From, want[r.From:r.To])))
				}
				if !u2.Status().Complete || !bytes.Equal(fileOf(t, m2, id), want) {
					t.Fatal("resumed upload is not the file")
				}
				if b, n := m2.Reserved(); b != int64(len(want)) || n != 1 {
					t.Fatalf("reserved %d bytes, %d uploads", b, n)
				}
			})
		}
	}
}

// TestRecoveryChecksUnsyncedRanges: in ModeNone a range whose bytes were never shown
// durable is checked against the file at recovery: bytes that differ from what was
// acknowledged (a power failure lost them) make the range missing again.
func TestRecoveryChecksUnsyncedRanges(t *testing.T) {
	dir := t.TempDir()
	o := options(dir, wal.ModeNone, nil)
	m := openManager(t, o)
	want := content(3000, 4)
	u := announce(t, m, "c1", 3000)
	for _, r := range chunks(want, 1000) {
		must(t, get(u.Write(r.From, want[r.From:r.To])))
	}
	abandon(m)
	// What a power failure could leave: the index's records, the middle chunk's bytes not.
	f, err := os.OpenFile(m.dataPath(u.ID()), os.O_RDWR, 0)
	must(t, err)
	_, err = f.WriteAt(make([]byte, 10), 1500)
	must(t, err)
	f.Close()
	m2 := openManager(t, o)
	u2, _ := m2.Get("c1", u.ID())
	st := u2.Status()
	if st.Received != 2000 || !reflect.DeepEqual(st.Missing, []Range{{1000, 2000}}) {
		t.Fatalf("received %d, missing %v", st.Received, st.Missing)
	}
	// The recovery rewrote the index with what it checked: a second one agrees.
	must(t, m2.Close())
	m3 := openManager(t, o)
	u3, _ := m3.Get("c1", u.ID())
	if st := u3.Status(); st.Received != 2000 {
		t.Fatalf("second recovery: received %d", st.Received)
	}
}

// TestCompaction: an index grown past its ranges is rewritten; what it says stays.
func TestCompaction(t *testing.T) {
	defer func(b int) { compactBase = b }(compactBase)
	compactBase = 64
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			o := options(dir, mode, nil)
			m := openManager(t, o)
			want := content(500, 5)
			u := announce(t, m, "c1", 500)
			for i := range 499 {
				must(t, get(u.Write(int64(i), want[i:i+1])))
				if i%50 == 0 {
					must(t, m.syncAll())
				}
			}
			// (A background sync may be under way: the next one compacts.)
			testenv.Eventually(t, "the index compacted", func() bool {
				must(t, m.syncAll())
				st, err := os.Stat(m.indexPath(u.ID()))
				must(t, err)
				return st.Size() < 100*40
			})
			abandon(m)
			m2 := openManager(t, o)
			u2, _ := m2.Get("c1", u.ID())
			if s := u2.Status(); s.Received != 499 || !reflect.DeepEqual(s.Missing, []Range{{499, 500}}) {
				t.Fatalf("after compaction and restart: %d received, missing %v", s.Received, s.Missing)
			}
		})
	}
}

// TestFinalizeStates: finalize refuses an incomplete upload with the missing ranges;
// then finalizing, applying and done (the file removed, the reservation given back);
// finalizing twice is a conflict; a failed finalize that may be retried can be finalized
// again; the states survive a restart.
func TestFinalizeStates(t *testing.T) {
	dir := t.TempDir()
	o := options(dir, wal.ModeAlways, nil)
	m := openManager(t, o)
	want := content(100, 6)
	u := announce(t, m, "c1", 100)
	must(t, get(u.Write(0, want[:40])))
	must(t, get(u.Write(60, want[60:])))
	_, err := u.BeginFinalize(FinalizeRequest{Job: "J1"})
	e := refusal(t, err, ErrIncomplete)
	if !reflect.DeepEqual(e.Missing, []Range{{40, 60}}) {
		t.Fatalf("missing %v", e.Missing)
	}
	must(t, get(u.Write(40, want[40:60])))
	f, err := u.BeginFinalize(FinalizeRequest{Job: "J1", Types: "C", ErrorHandling: 1})
	must(t, err)
	buf := make([]byte, 100)
	if _, err := f.ReadAt(buf, 0); err != nil || !bytes.Equal(buf, want) {
		t.Fatalf("the file to finalize: %v", err)
	}
	_, err = u.BeginFinalize(FinalizeRequest{Job: "J2"})
	refusal(t, err, ErrConflict)
	refusal(t, get(u.Write(0, want[:10])), ErrConflict)
	refusal(t, m.Delete("c1", u.ID()), ErrConflict)
	must(t, u.Fail(protocol.StatusBadRequest, "f.csv:3:1: bad", true))
	if st := u.Status(); st.State != Failed || !st.Retry || st.Msg != "f.csv:3:1: bad" || st.Job != "J1" {
		t.Fatalf("failed: %+v", st)
	}
	_, err = u.BeginFinalize(FinalizeRequest{Job: "J3", Forget: true})
	must(t, err)
	must(t, u.Applying(7, 2))
	must(t, m.Close())
	m = openManager(t, o)
	if un := m.Unresolved(); len(un) != 1 || un[0].ID() != u.ID() {
		t.Fatalf("unresolved after restart: %v", un)
	}
	u, _ = m.Get("c1", u.ID())
	if st := u.Status(); st.State != Applying || st.Rows != 7 || st.Skipped != 2 || st.Job != "J3" || !st.Forget {
		t.Fatalf("applying after restart: %+v", st)
	}
	must(t, u.Done(7, 2))
	if _, err := os.Stat(m.dataPath(u.ID())); !os.IsNotExist(err) {
		t.Fatalf("a done upload's file: %v", err)
	}
	if b, n := m.Reserved(); b != 0 || n != 0 {
		t.Fatalf("reserved %d bytes for %d uploads after done", b, n)
	}
	_, err = u.BeginFinalize(FinalizeRequest{Job: "J4"})
	refusal(t, err, ErrConflict)
	must(t, m.Close())
	m = openManager(t, o)
	u, err = m.Get("c1", u.ID())
	must(t, err)
	if st := u.Status(); st.State != Done || st.Rows != 7 || !st.Complete {
		t.Fatalf("done after restart: %+v", st)
	}
}

// TestExpiry: an upload idle for the TTL expires (its file removed, its place given back);
// chunks keep it alive; a done or expired upload is forgotten a TTL later.
func TestExpiry(t *testing.T) {
	c := newClock()
	o := options(t.TempDir(), wal.ModeAlways, c.Now)
	o.MaxUploads = 1
	m := openManager(t, o)
	u := announce(t, m, "c1", 10)
	c.Add(50 * time.Minute)
	must(t, get(u.Write(0, []byte("abc"))))
	c.Add(50 * time.Minute)
	m.Expire()
	if st := u.Status(); st.State != Receiving || !st.Expires.Equal(c.Now().Add(10*time.Minute)) {
		t.Fatalf("a chunk 50 minutes ago: %+v", st)
	}
	c.Add(11 * time.Minute)
	m.Expire()
	if st := u.Status(); st.State != Expired {
		t.Fatalf("idle for 61 minutes: %v", st.State)
	}
	if _, err := os.Stat(m.dataPath(u.ID())); !os.IsNotExist(err) {
		t.Fatalf("an expired upload's file: %v", err)
	}
	refusal(t, get(u.Write(3, []byte("d"))), ErrConflict)
	_, err := u.BeginFinalize(FinalizeRequest{})
	refusal(t, err, ErrConflict)
	announce(t, m, "c1", 10) // its place is free
	c.Add(61 * time.Minute)
	m.Expire()
	_, err = m.Get("c1", u.ID())
	refusal(t, err, ErrNotFound)
	if _, err := os.Stat(m.indexPath(u.ID())); !os.IsNotExist(err) {
		t.Fatalf("a forgotten upload's index: %v", err)
	}
}
