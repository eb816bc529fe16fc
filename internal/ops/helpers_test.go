package ops

import (
	"log/slog"
	"testing"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/wal"
)

// testConfig has customers c1 and c2 in a new data directory.
func testConfig(t testing.TB) config.Config {
	cfg := config.Config{DataDir: t.TempDir()}
	cfg.Customers = []config.Customer{
		{ID: testenv.CID1, Secrets: []string{testenv.Secret1}},
		{ID: testenv.CID2, Secrets: []string{testenv.Secret2}},
	}
	cfg.ApplyDefaults()
	return cfg
}

// open opens a service on cfg (fsys may be nil) and closes it when the test ends.
func open(t testing.TB, cfg config.Config, fsys wal.FS, o ...func(*Options)) (*Service, *metrics.Set) {
	t.Helper()
	m := metrics.New()
	opts := Options{Config: cfg, Metrics: m, FS: fsys, Log: slog.New(slog.DiscardHandler)}
	for _, f := range o {
		f(&opts)
	}
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, m
}

// c1 and c2 are the test customers, as verification would name them.
var (
	c1 = Customer{id: testenv.CID1}
	c2 = Customer{id: testenv.CID2}
)

// signedLearn is a WebSocket learn request of customer c1 on project pid, signed now.
func signedLearn(t testing.TB, sc *Scratch, pid, payload string) *auth.WSRequest {
	t.Helper()
	sg, err := auth.NewSigner(testenv.CID1, testenv.Secret1, nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := sc.ParseMessage(sg.AppendWSMessage(nil, "ws://h/symetry/ws/learn", []string{pid}, []byte(payload)))
	if err != nil {
		t.Fatal(err)
	}
	return &auth.WSRequest{Date: msg.Date, MD5: msg.MD5, Signature: msg.Signature, CID: msg.CID,
		Payload: msg.Payload, ExtraKeys: msg.ExtraKeys, Scheme: "ws", Host: "h", Path: "/symetry/ws/learn",
		Change: true}
}

// metric reads a counter by name and label value.
func metric(t testing.TB, m *metrics.Set, name, label string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, x := range mf.GetMetric() {
			if x.GetLabel()[0].GetValue() == label {
				return x.GetCounter().GetValue()
			}
		}
	}
	return 0
}
