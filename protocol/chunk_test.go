package protocol

import (
	"bytes"
	"math"
	"testing"
)

func TestParseChunk(t *testing.T) {
	ok := func(in []byte, wantPos int64, wantData string) {
		t.Helper()
		pos, data, err := ParseChunk(in)
		if err != nil || pos != wantPos || string(data) != wantData {
			t.Fatalf("ParseChunk(%x) = %d, %q, %v; want %d, %q", in, pos, data, err, wantPos, wantData)
		}
	}
	bad := func(in []byte, want *Error) {
		t.Helper()
		_, _, err := ParseChunk(in)
		if err != want {
			t.Fatalf("ParseChunk(%x) = %v; want %v", in, err, want)
		}
		if want.Status != StatusBadRequest {
			t.Fatalf("status %v", want.Status)
		}
	}
	ok([]byte{0, 0, 0, 0, 0, 0, 0, 0, 'a'}, 0, "a")
	ok([]byte{0, 0, 0, 0, 0, 2, 0, 0, 'a', ',', 'b'}, 2<<16, "a,b")
	ok(AppendChunk(nil, math.MaxInt64-3, []byte("xyz")), math.MaxInt64-3, "xyz")
	bad(nil, errChunkShort)
	bad([]byte{0, 0, 0, 0, 0, 0, 1}, errChunkShort)
	bad([]byte{0, 0, 0, 0, 0, 0, 0, 1}, errChunkEmpty)
	bad(AppendChunk(nil, math.MaxInt64-2, []byte("xyz")), errChunkPosition)
	bad([]byte{0x80, 0, 0, 0, 0, 0, 0, 0, 'a'}, errChunkPosition)
	bad([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'a'}, errChunkPosition)
}

func TestParseChunkAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	msg := AppendChunk(nil, 131072, bytes.Repeat([]byte("1.5,2,x\n"), 100))
	if n := testing.AllocsPerRun(100, func() { ParseChunk(msg) }); n != 0 {
		t.Fatalf("ParseChunk allocates %v times", n)
	}
}

// FuzzParseChunk checks that ParseChunk never panics, refuses with a BAD_REQUEST *Error,
// aliases its input, and that AppendChunk writes back the same bytes.
func FuzzParseChunk(f *testing.F) {
	f.Add(AppendChunk(nil, 0, []byte("sepal_length,sepal_width,species\n5.1,3.5,setosa\n")))
	f.Add(AppendChunk(nil, 131072, []byte("4.9,3,setosa\r\n")))
	f.Add(AppendChunk(nil, math.MaxInt64-1, []byte{0}))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, msg []byte) {
		orig := bytes.Clone(msg)
		pos, data, err := ParseChunk(msg)
		if !bytes.Equal(msg, orig) {
			t.Fatal("ParseChunk modified its input")
		}
		if err != nil {
			if pe, ok := err.(*Error); !ok || pe.Status != StatusBadRequest {
				t.Fatalf("error %#v is not a BAD_REQUEST *Error", err)
			}
			return
		}
		if pos < 0 || len(data) == 0 || pos+int64(len(data)) < pos {
			t.Fatalf("pos %d, %d bytes", pos, len(data))
		}
		if &data[0] != &msg[ChunkHeaderBytes] {
			t.Fatal("the bytes do not alias the message")
		}
		if got := AppendChunk(nil, pos, data); !bytes.Equal(got, msg) {
			t.Fatalf("AppendChunk gives %x, not %x", got, msg)
		}
	})
}
