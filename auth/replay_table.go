package auth

import (
	"encoding/binary"
	"math/bits"
)

// replayTable is a set of replayKeys: open addressing with linear probing and
// backward-shift deletion (no tombstones), so that a steady stream of inserts and deletes
// never rehashes nor allocates. It grows by doubling while the number of keys reaches new
// highs, up to maxSlots, which keeps the load at most one half for the shard's capacity.
// Keys are MAC bytes, uniformly distributed: bytes 8–15 serve as the hash.
type replayTable struct {
	slots    []replaySlot // len is a power of two, or 0 before the first insert
	count    int
	maxSlots int
}

type replaySlot struct {
	key  replayKey
	used bool
}

const minReplaySlots = 64

func newReplayTable(capacity int) replayTable {
	return replayTable{maxSlots: max(minReplaySlots, 1<<bits.Len(uint(2*capacity-1)))}
}

func (t *replayTable) home(k *replayKey) int {
	return int(binary.LittleEndian.Uint64(k[8:16]) & uint64(len(t.slots)-1))
}

// find returns the slot of k, or -1.
func (t *replayTable) find(k *replayKey) int {
	if len(t.slots) == 0 {
		return -1
	}
	mask := len(t.slots) - 1
	for i := t.home(k); t.slots[i].used; i = (i + 1) & mask {
		if t.slots[i].key == *k {
			return i
		}
	}
	return -1
}

func (t *replayTable) contains(k *replayKey) bool { return t.find(k) >= 0 }

// insert adds k, which must not be present.
func (t *replayTable) insert(k *replayKey) {
	if 2*(t.count+1) > len(t.slots) && len(t.slots) < t.maxSlots {
		t.grow()
	}
	mask := len(t.slots) - 1
	i := t.home(k)
	for t.slots[i].used {
		i = (i + 1) & mask
	}
	t.slots[i] = replaySlot{key: *k, used: true}
	t.count++
}

func (t *replayTable) grow() {
	old := t.slots
	t.slots = make([]replaySlot, max(minReplaySlots, 2*len(old)))
	t.count = 0
	for i := range old {
		if old[i].used {
			t.insert(&old[i].key)
		}
	}
}

// remove deletes k if present, shifting later entries of its probe run back.
func (t *replayTable) remove(k *replayKey) {
	i := t.find(k)
	if i < 0 {
		return
	}
	mask := len(t.slots) - 1
	for j := (i + 1) & mask; t.slots[j].used; j = (j + 1) & mask {
		h := t.home(&t.slots[j].key)
		// The entry at j stays if its home is cyclically within (i, j].
		if i <= j && i < h && h <= j || i > j && (i < h || h <= j) {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = replaySlot{}
	t.count--
}
