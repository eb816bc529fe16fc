package auth

import (
	"math/rand/v2"
	"testing"
)

// TestReplayTable checks the table against a Go map under random inserts and removes,
// with keys of the small tables crowded into few home slots to exercise probe runs that
// wrap around.
func TestReplayTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, capacity := range []int{1, 3, 100, 5000} {
		tab := newReplayTable(capacity)
		ref := map[replayKey]bool{}
		var keys []replayKey
		for op := range 20 * capacity {
			if len(keys) < capacity && (len(keys) == 0 || rng.IntN(3) > 0) {
				var k replayKey
				k[0], k[1] = byte(op), byte(op>>8)
				if capacity <= 100 {
					k[8] = byte(rng.IntN(8)) // few distinct homes
					k[9] = byte(rng.IntN(2) * 255)
					k[15] = byte(rng.IntN(2)) << 7
				} else {
					// Uniform homes, as real MACs give: long crowded runs at this size
					// would make the test quadratic without testing anything new.
					for b := 8; b < 16; b++ {
						k[b] = byte(rng.Uint32())
					}
				}
				if ref[k] {
					continue
				}
				tab.insert(&k)
				ref[k] = true
				keys = append(keys, k)
			} else {
				i := rng.IntN(len(keys))
				tab.remove(&keys[i])
				delete(ref, keys[i])
				keys[i] = keys[len(keys)-1]
				keys = keys[:len(keys)-1]
			}
			if tab.count != len(ref) {
				t.Fatalf("capacity %d: count %d, want %d", capacity, tab.count, len(ref))
			}
		}
		for _, k := range keys {
			if !tab.contains(&k) {
				t.Fatalf("capacity %d: key %x lost", capacity, k)
			}
		}
		var absent replayKey
		absent[3] = 0xee
		if tab.contains(&absent) {
			t.Fatal("absent key found")
		}
		if len(tab.slots) > tab.maxSlots || 2*capacity > tab.maxSlots {
			t.Errorf("capacity %d: %d slots, max %d", capacity, len(tab.slots), tab.maxSlots)
		}
	}
}
