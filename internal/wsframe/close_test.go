package wsframe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/gobwas/ws"
)

func closePayload(code ws.StatusCode, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

// TestCloseCodeValid pins the codes a peer may send (RFC 6455 section 7.4 and the IANA
// registry) against the whole 16-bit range.
func TestCloseCodeValid(t *testing.T) {
	valid := func(c int) bool {
		return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999)
	}
	for c := range 1 << 16 {
		if got := CloseCodeValid(ws.StatusCode(c)); got != valid(c) {
			t.Fatalf("CloseCodeValid(%d) = %v", c, got)
		}
	}
	for _, c := range []int{0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535} {
		if CloseCodeValid(ws.StatusCode(c)) {
			t.Errorf("%d accepted", c)
		}
	}
}

func TestCheckClosePayload(t *testing.T) {
	for _, c := range []struct {
		name string
		p    []byte
		code ws.StatusCode
		err  error
	}{
		{"empty", nil, 0, nil},
		{"one byte", []byte{3}, 0, ErrCloseOneByte},
		{"normal", closePayload(1000, ""), 1000, nil},
		{"with reason", closePayload(1001, "bye"), 1001, nil},
		{"application code", closePayload(4000, "é"), 4000, nil},
		{"1005 never on the wire", closePayload(1005, ""), 0, ErrCloseCode},
		{"1006 never on the wire", closePayload(1006, ""), 0, ErrCloseCode},
		{"reserved 1004", closePayload(1004, ""), 0, ErrCloseCode},
		{"0", closePayload(0, ""), 0, ErrCloseCode},
		{"bad UTF-8 reason", closePayload(1000, "\xff"), 0, ErrCloseReasonUTF8},
		{"cut UTF-8 reason", closePayload(1000, "\xc3"), 0, ErrCloseReasonUTF8},
	} {
		code, err := CheckClosePayload(c.p)
		if code != c.code || !errors.Is(err, c.err) {
			t.Errorf("%s: got %d, %v; want %d, %v", c.name, code, err, c.code, c.err)
		}
	}
}

// TestAppendServerClose: gobwas parses the frame; the reason is cut to fit 125 bytes.
func TestAppendServerClose(t *testing.T) {
	long := string(bytes.Repeat([]byte("x"), 200))
	for _, c := range []struct {
		code   ws.StatusCode
		reason string
		want   string
	}{{0, "", ""}, {1000, "", ""}, {1008, "client does not read", "client does not read"}, {1002, long, long[:123]}} {
		frame := AppendServerClose(nil, c.code, c.reason)
		r := bytes.NewReader(frame)
		h, err := ws.ReadHeader(r)
		if err != nil || h.OpCode != ws.OpClose || !h.Fin || h.Masked || h.Length > 125 {
			t.Fatalf("%d: header %+v %v", c.code, h, err)
		}
		p := make([]byte, h.Length)
		r.Read(p)
		if c.code == 0 {
			if len(p) != 0 {
				t.Fatalf("empty close has payload %q", p)
			}
			continue
		}
		code, reason := ws.ParseCloseFrameData(p)
		if code != c.code || reason != c.want {
			t.Fatalf("got %d %q, want %d %q", code, reason, c.code, c.want)
		}
	}
}

// FuzzCheckClosePayload: never panics, and accepts exactly what the rules accept.
func FuzzCheckClosePayload(f *testing.F) {
	f.Add([]byte{})
	f.Add(closePayload(1000, "bye"))
	f.Add(closePayload(1005, ""))
	f.Add([]byte{0x03, 0xE8, 0xFF})
	f.Fuzz(func(t *testing.T, p []byte) {
		if len(p) > 125 {
			return
		}
		code, err := CheckClosePayload(p)
		if err == nil && len(p) >= 2 && code != ws.StatusCode(binary.BigEndian.Uint16(p)) {
			t.Fatalf("code %d of % x", code, p)
		}
		wantOK := len(p) == 0 || (len(p) >= 2 && CloseCodeValid(ws.StatusCode(binary.BigEndian.Uint16(p))) && validUTF8(p[2:]))
		if (err == nil) != wantOK {
			t.Fatalf("% x: err %v, want ok %v", p, err, wantOK)
		}
	})
}
