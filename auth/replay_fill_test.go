package auth

import (
	"testing"
	"time"
)

// TestReplayFill: the fill of the fullest pool, reads and changes apart, and the
// remembered signatures; entries expired by then are not counted.
func TestReplayFill(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rc := NewReplayCache(4, time.Minute)
	key := func(i byte) replayKey { return replayKey{i} }
	if f := rc.Fill(now); f != 0 {
		t.Fatalf("empty: %v", f)
	}
	for i := range byte(3) {
		if err := replayCheck(rc, "c1", key(i), now, now, false); err != nil {
			t.Fatal(err)
		}
	}
	if f := rc.Fill(now); f != 0.75 {
		t.Fatalf("3 of 4 changes: %v", f)
	}
	if err := replayCheck(rc, "c1", key(9), now, now, true); err != nil {
		t.Fatal(err)
	}
	if f := rc.Fill(now); f != 0.75 {
		t.Fatalf("a read besides: %v, want the fuller pool's 0.75", f)
	}
	if err := rc.Remember([16]byte{42}, now.Add(30*time.Second), now); err != nil {
		t.Fatal(err)
	}
	if f := rc.Fill(now.Add(2 * time.Minute)); f != 0 {
		t.Fatalf("after every entry expired: %v", f)
	}
	if f := NewReplayCache(0, time.Minute).Fill(now); f != 1 {
		t.Fatalf("no capacity: %v, want full", f)
	}
}
