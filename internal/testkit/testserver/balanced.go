package testserver

import (
	"net"
	"testing"
	"time"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/internal/testkit"
)

// StartBehindBalancer starts a server of each configuration (cluster nodes on one bus)
// behind a balancer that sends each new connection to the next of them
// (testkit.Balancer), as a deployment behind a load balancer: every node has the
// balancer's public_url, and its own listen address as cluster.advertise_url. They shut
// down when the test ends.
func StartBehindBalancer(t testing.TB, cfgs ...config.Config) (*testkit.Balancer, []*Server) {
	t.Helper()
	lb := testkit.StartBalancer(t)
	var nodes []*Server
	var addrs []string
	for _, cfg := range cfgs {
		cfg.Listen = FreeAddr(t)
		cfg.PublicURL = "ws://" + lb.Addr()
		cfg.Cluster.AdvertiseURL = "ws://" + cfg.Listen
		nodes = append(nodes, Start(t, cfg))
		addrs = append(addrs, cfg.Listen)
	}
	lb.SetBackends(addrs...)
	return lb, nodes
}

// FreeAddr is a loopback address with a port free a moment ago, for a server that must
// know its address before it starts.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// NodeConfig is a test server's configuration (testkit.Config) as node id of the cluster
// whose bus is at natsURL, waiting at most 5 s on the bus.
func NodeConfig(natsURL, id string) config.Config {
	cfg := testkit.Config()
	cfg.Cluster.NATSURL = natsURL
	cfg.Cluster.NodeID = id
	cfg.Cluster.Timeout = 5 * time.Second
	return cfg
}
