package wslink

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
)

// chunksOf splits msg into chunks of at most size bytes of message each, with id.
func chunksOf(id uint32, msg []byte, size int) [][]byte {
	var out [][]byte
	for off := 0; off < len(msg); off += size {
		end := min(off+size, len(msg))
		c := AppendChunkHeader(nil, ChunkHeader{ID: id, Offset: uint32(off), Size: uint32(len(msg))})
		out = append(out, append(c, msg[off:end]...))
	}
	return out
}

// feed gives chunks to r and returns the messages completed, in order.
func feed(t *testing.T, r *Reassembler, budget Budget, chunks [][]byte) [][]byte {
	t.Helper()
	var done [][]byte
	for _, c := range chunks {
		h, body, err := ParseChunk(c)
		if err != nil {
			t.Fatal(err)
		}
		msg, owned, err := r.Add(h, body, budget)
		if err != nil {
			t.Fatal(err)
		}
		if msg != nil {
			done = append(done, append([]byte(nil), msg...))
			bufpool.Put(owned)
		}
	}
	return done
}

func TestParseChunk(t *testing.T) {
	c := AppendChunkHeader(nil, ChunkHeader{ID: 0xdeadbeef, Offset: 2, Size: 5})
	if len(c) != ChunkHeaderLen || !bytes.Equal(c[:4], []byte{0xef, 0xbe, 0xad, 0xde}) {
		t.Fatalf("header % x: not little-endian", c)
	}
	h, body, err := ParseChunk(append(c, "abc"...))
	if err != nil || h != (ChunkHeader{0xdeadbeef, 2, 5}) || string(body) != "abc" {
		t.Fatalf("%+v %q %v", h, body, err)
	}
	var one [ChunkHeaderLen]byte
	PutChunkHeader(one[:], 7, 300)
	if h, _, _ := ParseChunk(append(one[:], make([]byte, 300)...)); h != (ChunkHeader{7, 0, 300}) {
		t.Fatalf("PutChunkHeader: %+v", h)
	}
	for name, frame := range map[string][]byte{
		"short header":    c[:11],
		"size 0":          AppendChunkHeader(nil, ChunkHeader{Size: 0}),
		"past the size":   append(AppendChunkHeader(nil, ChunkHeader{Offset: 3, Size: 5}), "abc"...),
		"offset overflow": append(AppendChunkHeader(nil, ChunkHeader{Offset: 0xffffffff, Size: 0xffffffff}), "ab"...),
		"no bytes":        AppendChunkHeader(nil, ChunkHeader{Size: 5}),
	} {
		if _, _, err := ParseChunk(frame); !errors.Is(err, ErrChunk) {
			t.Errorf("%s: %v, want ErrChunk", name, err)
		}
	}
}

// TestReassembleInterleavedOutOfOrder: messages split at various sizes, their chunks
// shuffled together, come out whole; a message in one chunk is the chunk itself.
func TestReassembleInterleavedOutOfOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	r := NewReassembler(1 << 20)
	msgs := map[string]bool{}
	var all [][]byte
	for i := range 5 {
		m := make([]byte, 1000+i*777)
		for j := range m {
			m[j] = byte(rng.Uint32())
		}
		msgs[string(m)] = true
		all = append(all, chunksOf(uint32(100+i), m, 64+i*50)...)
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	done := feed(t, r, nil, all)
	if len(done) != 5 || r.Held() != 0 {
		t.Fatalf("%d messages done, %d bytes held", len(done), r.Held())
	}
	for _, m := range done {
		if !msgs[string(m)] {
			t.Fatal("a reassembled message differs from every message sent")
		}
	}
	whole := chunksOf(9, []byte("hello"), 64)[0]
	h, body, _ := ParseChunk(whole)
	msg, owned, err := r.Add(h, body, nil)
	if err != nil || owned != nil || &msg[0] != &whole[ChunkHeaderLen] {
		t.Fatalf("a one-chunk message is not the chunk itself: %v %v", owned, err)
	}
}

func TestReassembleRefusals(t *testing.T) {
	add := func(r *Reassembler, h ChunkHeader, body string) error {
		_, _, err := r.Add(h, []byte(body), nil)
		return err
	}
	r := NewReassembler(100)
	if err := add(r, ChunkHeader{ID: 1, Size: 101}, "x"); !errors.Is(err, ErrTooBig) {
		t.Fatalf("one message over the bound: %v", err)
	}
	r = NewReassembler(100)
	if err := add(r, ChunkHeader{ID: 1, Size: 60}, "x"); err != nil {
		t.Fatal(err)
	}
	if err := add(r, ChunkHeader{ID: 2, Size: 60}, "x"); !errors.Is(err, ErrTooBig) {
		t.Fatalf("two messages over the bound together: %v", err)
	}
	r = NewReassembler(100)
	add(r, ChunkHeader{ID: 1, Size: 10}, "abc")
	if err := add(r, ChunkHeader{ID: 1, Size: 11, Offset: 3}, "d"); !errors.Is(err, ErrChunk) {
		t.Fatalf("size changed: %v", err)
	}
	r = NewReassembler(100)
	add(r, ChunkHeader{ID: 1, Size: 10}, "abc")
	if err := add(r, ChunkHeader{ID: 1, Size: 10, Offset: 2}, "cd"); !errors.Is(err, ErrChunk) {
		t.Fatalf("a byte sent twice: %v", err)
	}
	r = NewReassembler(1 << 20)
	for i := range MaxPieces {
		if err := add(r, ChunkHeader{ID: 1, Size: 1000, Offset: uint32(2 * i)}, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if err := add(r, ChunkHeader{ID: 1, Size: 1000, Offset: 500}, "a"); !errors.Is(err, ErrChunk) {
		t.Fatalf("too many pieces: %v", err)
	}
	r = NewReassembler(1 << 20)
	for i := range MaxPendingMessages {
		if err := add(r, ChunkHeader{ID: uint32(i), Size: 10}, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if err := add(r, ChunkHeader{ID: 999, Size: 10}, "a"); !errors.Is(err, ErrChunk) {
		t.Fatalf("too many pending messages: %v", err)
	}
	r.Reset()
	if r.Held() != 0 || add(r, ChunkHeader{ID: 999, Size: 10}, "a") != nil {
		t.Fatal("Reset did not empty the reassembler")
	}
}

// TestReassembleCharges: a message begun with a budget is charged its size until it
// completes or is dropped, whatever budget its later chunks come with; ErrBusy when the
// budget has no room.
func TestReassembleCharges(t *testing.T) {
	b := admit.NewBudget(100)
	r := NewReassembler(1 << 20)
	c := chunksOf(1, bytes.Repeat([]byte("x"), 60), 20)
	feed(t, r, b, c[:1])
	if b.Used() != 60 || r.Charged() != 60 {
		t.Fatalf("charged %d/%d, want 60", b.Used(), r.Charged())
	}
	h, body, _ := ParseChunk(chunksOf(2, bytes.Repeat([]byte("y"), 50), 20)[0])
	if _, _, err := r.Add(h, body, b); !errors.Is(err, ErrBusy) {
		t.Fatalf("over the budget: %v", err)
	}
	if done := feed(t, r, nil, c[1:]); len(done) != 1 || b.Used() != 0 {
		t.Fatalf("completed after authentication: %d done, %d still charged", len(done), b.Used())
	}
	feed(t, r, b, c[:2])
	r.Reset()
	if b.Used() != 0 {
		t.Fatalf("Reset left %d bytes charged", b.Used())
	}
}

// FuzzReassemble: chunks cut from the input, in any order, with any header values, never
// make the reassembler panic, pass its bounds or return a message other than one whose
// every byte was sent exactly once; and the budget is balanced after Reset.
func FuzzReassemble(f *testing.F) {
	var seed []byte
	for _, c := range chunksOf(5, []byte("a message in three chunks, in order"), 12) {
		seed = append(seed, byte(len(c)))
		seed = append(seed, c...)
	}
	f.Add(seed)
	f.Add(append([]byte{20}, chunksOf(1, []byte("12345678"), 8)[0]...))
	f.Fuzz(func(t *testing.T, in []byte) {
		b := admit.NewBudget(1 << 16)
		r := NewReassembler(4096)
		for len(in) > 0 {
			n := min(int(in[0]), len(in)-1)
			frame := in[1 : 1+n]
			in = in[1+n:]
			h, body, err := ParseChunk(frame)
			if err != nil {
				continue
			}
			msg, owned, err := r.Add(h, body, b)
			if err != nil {
				break
			}
			if r.Held() > 4096 || b.Used() > 4096 {
				t.Fatalf("held %d, charged %d past the bound", r.Held(), b.Used())
			}
			if msg != nil && len(msg) != int(h.Size) {
				t.Fatalf("message of %d bytes, declared %d", len(msg), h.Size)
			}
			bufpool.Put(owned)
		}
		r.Reset()
		if b.Used() != 0 {
			t.Fatalf("%d bytes still charged after Reset", b.Used())
		}
	})
}
