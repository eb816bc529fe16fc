package rpcapi_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"testing"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
	"github.com/symscore/symscore/server"
)

// versions are the wslink framings every test runs with.
var versions = []wslinkc.Version{2, 1}

func name(v wslinkc.Version) string {
	if v == 1 {
		return "wslink1"
	}
	return "wslink2"
}

// start starts a server with cfg changed by mod (nil: the test configuration).
func start(t *testing.T, mod func(*config.Config), opts ...server.Option) *testserver.Server {
	t.Helper()
	cfg := testkit.Config()
	if mod != nil {
		mod(&cfg)
	}
	return testserver.Start(t, cfg, opts...)
}

// signedIn dials the RPC endpoint with framing v and signs in as customer c1.
func signedIn(t *testing.T, s *testserver.Server, v wslinkc.Version) *wslinkc.Client {
	t.Helper()
	c := wslinkc.Dial(t, s.Addr(), v)
	if r := c.Hello(testenv.CID1, testenv.Secret1); r.Error != nil {
		t.Fatalf("hello: %v", r.Error)
	}
	return c
}

// must calls method and fails the test on an error.
func must(t *testing.T, c *wslinkc.Client, method string, args ...any) any {
	t.Helper()
	r := c.Call(method, args...)
	if r.Error != nil {
		t.Fatalf("%s: %v", method, r.Error)
	}
	return r.Result
}

// refused calls method and checks that it is refused with code (and, for -32001, the
// status).
func refused(t *testing.T, c *wslinkc.Client, code int, status string, method string, args ...any) *wslinkc.Error {
	t.Helper()
	r := c.Call(method, args...)
	if r.Error == nil {
		t.Fatalf("%s: accepted (%v), want error %d", method, r.Result, code)
	}
	if r.Error.Code != code {
		t.Fatalf("%s: %v, want code %d", method, r.Error, code)
	}
	if status != "" {
		d, _ := r.Error.Data.(map[string]any)
		if d["statusCode"] != status || d["statusString"] != r.Error.Message {
			t.Fatalf("%s: %v, want status %s with statusString the message", method, r.Error, status)
		}
	}
	return r.Error
}

// floats is data of float64 values, little-endian.
func floats(vals ...float64) []byte {
	var b []byte
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// unfloats reads little-endian float64 values.
func unfloats(b []byte) []float64 {
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

// strs is a []any of strings (the arrays a decoded message holds).
func strs(ss ...string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
