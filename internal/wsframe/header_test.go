package wsframe

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/gobwas/ws"
)

// lengths cover every boundary of the three length encodings.
var lengths = []int{0, 1, 124, 125, 126, 127, 1000, 0xFFFE, 0xFFFF, 0x10000, 0x10001, 1 << 24, 1<<31 + 7}

// TestHeaderAgainstGobwas: AppendHeader writes the same bytes as gobwas' ws.WriteHeader for
// every opcode, FIN, length boundary and masking, HeaderSize agrees with ws.HeaderSize, and
// ws.ReadHeader reads back what was written.
func TestHeaderAgainstGobwas(t *testing.T) {
	ops := []ws.OpCode{ws.OpContinuation, ws.OpText, ws.OpBinary, ws.OpClose, ws.OpPing, ws.OpPong}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, op := range ops {
		for _, fin := range []bool{true, false} {
			for _, n := range lengths {
				for _, masked := range []bool{false, true} {
					h := ws.Header{Fin: fin, OpCode: op, Length: int64(n), Masked: masked}
					var mask *[4]byte
					if masked {
						h.Mask = ws.NewMask()
						if rng.IntN(2) == 0 {
							h.Mask = [4]byte{byte(rng.Uint32()), 0, 0xFF, byte(rng.Uint32())}
						}
						mask = &h.Mask
					}
					var want bytes.Buffer
					if err := ws.WriteHeader(&want, h); err != nil {
						t.Fatal(err)
					}
					got := AppendHeader(nil, fin, op, n, mask)
					if !bytes.Equal(got, want.Bytes()) {
						t.Fatalf("%+v: got % x, gobwas % x", h, got, want.Bytes())
					}
					if HeaderSize(n, masked) != ws.HeaderSize(h) {
						t.Fatalf("%+v: HeaderSize %d, gobwas %d", h, HeaderSize(n, masked), ws.HeaderSize(h))
					}
					back, err := ws.ReadHeader(bytes.NewReader(got))
					if err != nil || back != h {
						t.Fatalf("%+v: read back %+v, %v", h, back, err)
					}
				}
			}
		}
	}
}

// TestPutServerHeader: the header lands right before the payload, which is untouched, at
// every length boundary, with MaxServerHeader bytes of headroom.
func TestPutServerHeader(t *testing.T) {
	for _, n := range lengths[:10] {
		buf := make([]byte, MaxServerHeader+n)
		for i := range buf[MaxServerHeader:] {
			buf[MaxServerHeader+i] = byte(i)
		}
		payload := append([]byte(nil), buf[MaxServerHeader:]...)
		frame := PutServerHeader(buf, MaxServerHeader, ws.OpBinary, n)
		h, err := ws.ReadHeader(bytes.NewReader(frame))
		if err != nil || !h.Fin || h.OpCode != ws.OpBinary || h.Masked || h.Length != int64(n) {
			t.Fatalf("n=%d: header %+v, %v", n, h, err)
		}
		if got := frame[HeaderSize(n, false):]; !bytes.Equal(got, payload) {
			t.Fatalf("n=%d: payload changed", n)
		}
	}
}

// TestAppendClientFrame: gobwas reads the frame back, unmasks it and gets the payload.
func TestAppendClientFrame(t *testing.T) {
	for _, n := range []int{0, 5, 125, 126, 70000} {
		payload := bytes.Repeat([]byte("héllo"), n/6+1)[:n]
		frame := AppendClientFrame([]byte("prefix"), ws.OpText, payload, ws.NewMask())
		r := bytes.NewReader(frame[len("prefix"):])
		h, err := ws.ReadHeader(r)
		if err != nil || !h.Fin || !h.Masked || h.OpCode != ws.OpText || h.Length != int64(n) {
			t.Fatalf("n=%d: header %+v, %v", n, h, err)
		}
		got := make([]byte, n)
		r.Read(got)
		ws.Cipher(got, h.Mask, 0)
		if !bytes.Equal(got, payload) {
			t.Fatalf("n=%d: payload differs after unmasking", n)
		}
	}
}

// FuzzHeader: for any header fields, our bytes equal gobwas', and decode to the same header.
func FuzzHeader(f *testing.F) {
	f.Add(true, byte(1), uint64(5), true, uint32(0x01020304))
	f.Add(false, byte(0), uint64(126), false, uint32(0))
	f.Add(true, byte(2), uint64(70000), true, uint32(0xFFFFFFFF))
	f.Fuzz(func(t *testing.T, fin bool, op byte, n uint64, masked bool, key uint32) {
		n %= 1 << 40
		h := ws.Header{Fin: fin, OpCode: ws.OpCode(op & 0x0F), Length: int64(n), Masked: masked}
		var mask *[4]byte
		if masked {
			h.Mask = [4]byte{byte(key >> 24), byte(key >> 16), byte(key >> 8), byte(key)}
			mask = &h.Mask
		}
		var want bytes.Buffer
		if err := ws.WriteHeader(&want, h); err != nil {
			t.Fatal(err)
		}
		got := AppendHeader(nil, fin, h.OpCode, int(n), mask)
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%+v: got % x, gobwas % x", h, got, want.Bytes())
		}
	})
}

// TestAppendHeaderKnownAnswers: client text frames at the length boundaries, byte for byte.
func TestAppendHeaderKnownAnswers(t *testing.T) {
	mask := [4]byte{1, 2, 3, 4}
	for _, tc := range []struct {
		n    int
		want []byte
	}{
		{n: 0, want: []byte{0x81, 0x80, 1, 2, 3, 4}},
		{n: 125, want: []byte{0x81, 0x80 | 125, 1, 2, 3, 4}},
		{n: 126, want: []byte{0x81, 0x80 | 126, 0, 126, 1, 2, 3, 4}},
		{n: 65535, want: []byte{0x81, 0x80 | 126, 0xff, 0xff, 1, 2, 3, 4}},
		{n: 65536, want: []byte{0x81, 0x80 | 127, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4}},
	} {
		if got := AppendHeader(nil, true, ws.OpText, tc.n, &mask); !bytes.Equal(got, tc.want) {
			t.Errorf("n=%d: % x, want % x", tc.n, got, tc.want)
		}
	}
}
