package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestFullSnapshotJoins: a node joining a bus from another node's full snapshot — into a
// data directory holding stale snapshot files, and into memory — and replaying the bus
// from the sequence the snapshot covers holds the same state as the node that made it,
// which went on changing after the snapshot; a project deleted after the snapshot is gone
// there too.
func TestFullSnapshotJoins(t *testing.T) {
	b := &bus{}
	a := open(t, Options{Log: b.member(), DeltaRecords: true})
	must(t, a.Create("c1", "p", "", nil))
	must(t, a.Create("c1", "gone", "", nil))
	must(t, a.Create("c2", "q", "", nil))
	for i := range 10 {
		must(t, a.Learn("c1", "p", parse(t, rows(10*i, 10*i+5), "")))
		must(t, a.Learn("c2", "q", parse(t, rows(i, i+1), "")))
	}
	data, covered, err := a.FullSnapshot()
	must(t, err)
	if want := uint64(len(b.recs)) + 1; covered != want {
		t.Fatalf("a quiet store's snapshot covers %d, want %d", covered, want)
	}
	// After the snapshot: more changes, a delete, a new project.
	must(t, a.Forget("c1", "p", parse(t, rows(0, 5), "")))
	must(t, a.Delete("c1", "gone"))
	must(t, a.Create("c1", "new", "", nil))
	must(t, a.Learn("c1", "new", parse(t, rows(0, 3), "")))

	dir := t.TempDir()
	stale := filepath.Join(dir, "snapshots", "stale.snap")
	must(t, os.MkdirAll(filepath.Dir(stale), 0o700))
	must(t, os.WriteFile(stale, []byte("SYMS junk"), 0o600))
	opts := durable(dir)
	opts.Log, opts.Snapshot = &busLog{b: b}, data
	onDisk := open(t, opts)
	inMemory := open(t, Options{Log: &busLog{b: b}, Snapshot: data})
	want := dump(t, a, "c1", "c2")
	sameState(t, dump(t, onDisk, "c1", "c2"), want)
	sameState(t, dump(t, inMemory, "c1", "c2"), want)
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a stale snapshot file survived the install: %v", err)
	}
	// The installed files are this node's state at its next start.
	must(t, onDisk.Close())
	again := open(t, Options{Dir: dir, Log: &busLog{b: b}, CheckpointInterval: -1, ReplayWindow: -1})
	sameState(t, dump(t, again, "c1", "c2"), want)
}

// TestFullSnapshotRefused: a full snapshot that does not decode is refused whole, and a
// store given one does not open; the snapshot files stay as they were.
func TestFullSnapshotRefused(t *testing.T) {
	b := &bus{}
	a := open(t, Options{Log: b.member()})
	must(t, a.Create("c1", "p", "", nil))
	must(t, a.Learn("c1", "p", parse(t, rows(0, 10), "")))
	good, _, err := a.FullSnapshot()
	must(t, err)
	dup := append([]byte(nil), good[:len(fullSnapshotMagic)+1]...)
	dup = append(dup, 1, 2) // covered 1, two projects: the same one twice
	for range 2 {
		dup = append(dup, good[len(fullSnapshotMagic)+3:]...)
	}
	for name, data := range map[string][]byte{
		"empty":     {},
		"magic":     []byte("SYMS"),
		"version":   append([]byte(fullSnapshotMagic), 9, 1, 0),
		"truncated": good[:len(good)-3],
		"trailing":  append(append([]byte(nil), good...), 0),
		"covers 0":  append([]byte(fullSnapshotMagic), fullSnapshotVersion, 0, 0),
		"repeated":  dup,
		"huge count": append([]byte(fullSnapshotMagic), fullSnapshotVersion, 1,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
	} {
		dir := t.TempDir()
		keep := filepath.Join(dir, "snapshots", "keep.snap")
		must(t, os.MkdirAll(filepath.Dir(keep), 0o700))
		must(t, os.WriteFile(keep, []byte("x"), 0o600))
		if _, err := InstallFullSnapshot(durable(dir), data); !errors.Is(err, ErrFullSnapshot) {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := os.Stat(keep); err != nil {
			t.Fatalf("%s: a refused snapshot touched the files: %v", name, err)
		}
		if s, err := Open(Options{Log: &busLog{b: b}, Snapshot: data}); err == nil {
			s.Close()
			t.Fatalf("%s: a store opened from it", name)
		}
	}
}

// FuzzFullSnapshot: whatever the bytes, decoding returns a full snapshot or an error
// wrapping ErrFullSnapshot, never a panic; what decodes opens a store, or is refused for
// not fitting its log (a project ahead of it).
func FuzzFullSnapshot(f *testing.F) {
	b := &bus{}
	a := open(f, Options{Log: b.member()})
	must(f, a.Create("c1", "p", "", nil))
	must(f, a.Learn("c1", "p", parse(f, rows(0, 10), "")))
	good, _, err := a.FullSnapshot()
	must(f, err)
	f.Add(good)
	f.Add([]byte(fullSnapshotMagic))
	f.Add(append([]byte(fullSnapshotMagic), fullSnapshotVersion, 1, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := decodeFullSnapshot(data)
		if err != nil {
			if !errors.Is(err, ErrFullSnapshot) {
				t.Fatalf("error %v does not wrap ErrFullSnapshot", err)
			}
			return
		}
		s, err := Open(Options{Log: &busLog{b: b}, Snapshot: data})
		var re *RecoveryError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("a decoded snapshot does not open: %v", err)
		}
		if err == nil {
			s.Close()
		}
	})
}
