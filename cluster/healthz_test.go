package cluster_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/internal/testkit/testserver"
)

// TestHealthzSaysRestartNeeded: a node cut off from the bus is not ready but alive (it
// reconnects by itself); a node that comes back to find records it needs purged from the
// stream answers /healthz 503 "restart needed", so that a liveness probe restarts it
// (a restart loads the bus's newest snapshot).
func TestHealthzSaysRestartNeeded(t *testing.T) {
	bus := natstest.Start(t)
	proxy := natstest.StartProxy(t, bus)
	a := testserver.Start(t, nodeConfig(bus, "a"))
	cfgB := nodeConfig(bus, "b")
	cfgB.Cluster.NATSURL = proxy.URL()
	b := testserver.Start(t, cfgB)
	ca, cb := a.REST(testenv.CID1, testenv.Secret1), b.REST(testenv.CID1, testenv.Secret1)
	rows := testkit.IrisRows(t)
	ca.Create("iris")
	ca.Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[:10], -1))
	sameEverywhere(t, []*testkit.RESTClient{ca, cb}, "iris")
	if code, body := healthz(t, b); code != http.StatusOK {
		t.Fatalf("/healthz %d %q before the cut", code, body)
	}

	proxy.Cut()
	testenv.Eventually(t, "b to be unready while cut off", func() bool { return readyz(t, b) == http.StatusServiceUnavailable })
	if code, body := healthz(t, b); code != http.StatusOK {
		t.Fatalf("/healthz %d %q while cut off: the bus coming back mends it", code, body)
	}
	for i := range 3 {
		ca.Learn("iris", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, rows[10+i:11+i], -1))
	}
	purgeAllButLast(t, bus)
	proxy.Restore()
	testenv.Eventually(t, "b to say a restart is needed", func() bool {
		code, body := healthz(t, b)
		return code == http.StatusServiceUnavailable && strings.HasPrefix(body, "restart needed: ")
	})
	if readyz(t, b) != http.StatusServiceUnavailable {
		t.Fatal("b is ready without the records it needs")
	}
	if code, body := healthz(t, a); code != http.StatusOK {
		t.Fatalf("a: /healthz %d %q", code, body)
	}
}

func healthz(t *testing.T, s *testserver.Server) (int, string) {
	t.Helper()
	return testkit.HTTPGet(t, "http://"+s.AdminAddr()+"/healthz")
}

// purgeAllButLast purges the cluster's stream of every record but its last, as an
// operator could.
func purgeAllButLast(t *testing.T, bus *natstest.Server) {
	t.Helper()
	nc, err := nats.Connect(bus.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, "SYMSCORE")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Purge(ctx, jetstream.WithPurgeSequence(info.State.LastSeq)); err != nil {
		t.Fatal(err)
	}
}
