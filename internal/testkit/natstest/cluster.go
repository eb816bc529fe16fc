package natstest

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// A JetStream cluster of NATS servers in this process, each on its own loopback client
// and route ports and data directory: what cluster.replicas 3 runs on. Stop and Restart
// take one server away and bring it back on the same ports and data.

// Cluster is a test's NATS cluster.
type Cluster struct {
	T       testing.TB
	Servers []*Member
}

// Member is one server of a Cluster.
type Member struct {
	Spec MemberSpec
	srv  *server.Server
}

// MemberSpec is everything a cluster member is started from: a child process running
// RunMember gets it too.
type MemberSpec struct {
	Name       string   `json:"name"`
	Dir        string   `json:"dir"`
	Port       int      `json:"port"`
	RoutePort  int      `json:"route_port"`
	HTTPPort   int      `json:"http_port"` // the monitoring port (/healthz); 0: none
	Routes     []string `json:"routes"`    // every member's route URL
	SyncAlways bool     `json:"sync_always"`
}

// Options are the member's nats-server options.
func (s MemberSpec) Options() *server.Options {
	var routes []*url.URL
	for _, r := range s.Routes {
		u, _ := url.Parse(r)
		routes = append(routes, u)
	}
	return &server.Options{
		ServerName: s.Name, Host: "127.0.0.1", Port: s.Port, JetStream: true, StoreDir: s.Dir,
		NoSigs: true, NoLog: true, MaxPayload: 8 << 20, SyncAlways: s.SyncAlways,
		Cluster: server.ClusterOpts{Name: "symscore-test", Host: "127.0.0.1", Port: s.RoutePort},
		Routes:  routes, HTTPHost: "127.0.0.1", HTTPPort: s.HTTPPort,
	}
}

// FreePorts returns n loopback ports that were free a moment ago.
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// ClusterSpecs are the specs of an n-server cluster with its data in temporary
// directories.
func ClusterSpecs(t testing.TB, n int) []MemberSpec {
	t.Helper()
	ports := FreePorts(t, 3*n)
	var routes []string
	for i := range n {
		routes = append(routes, "nats://127.0.0.1:"+strconv.Itoa(ports[n+i]))
	}
	var specs []MemberSpec
	for i := range n {
		specs = append(specs, MemberSpec{Name: fmt.Sprintf("nats-%d", i), Dir: t.TempDir(),
			Port: ports[i], RoutePort: ports[n+i], HTTPPort: ports[2*n+i], Routes: routes})
	}
	return specs
}

// StartCluster starts an n-server JetStream cluster, shut down when the test ends, and
// waits until JetStream has a leader.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	c := &Cluster{T: t}
	for _, spec := range ClusterSpecs(t, n) {
		c.Servers = append(c.Servers, &Member{Spec: spec})
	}
	for _, m := range c.Servers {
		c.start(m)
	}
	t.Cleanup(func() {
		for _, m := range c.Servers {
			m.stop()
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for !c.hasLeader() {
		if time.Now().After(deadline) {
			t.Fatal("natstest: the JetStream cluster has no leader after 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return c
}

func (c *Cluster) hasLeader() bool {
	for _, m := range c.Servers {
		if m.srv != nil && m.srv.JetStreamIsLeader() {
			return true
		}
	}
	return false
}

func (c *Cluster) start(m *Member) {
	c.T.Helper()
	srv, err := server.NewServer(m.Spec.Options())
	if err != nil {
		c.T.Fatal(err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		c.T.Fatal("natstest: a cluster member did not start")
	}
	m.srv = srv
}

func (m *Member) stop() {
	if m.srv != nil {
		m.srv.Shutdown()
		m.srv.WaitForShutdown()
		m.srv = nil
	}
}

// URL lists every member's client URL, as cluster.nats_url takes them.
func (c *Cluster) URL() string {
	var urls []string
	for _, m := range c.Servers {
		urls = append(urls, "nats://127.0.0.1:"+strconv.Itoa(m.Spec.Port))
	}
	return strings.Join(urls, ",")
}

// Stop shuts member i down (its data stays).
func (c *Cluster) Stop(i int) { c.Servers[i].stop() }

// Restart starts member i again on its ports and data.
func (c *Cluster) Restart(i int) {
	c.T.Helper()
	if c.Servers[i].srv != nil {
		c.T.Fatal("natstest: Restart of a running member")
	}
	c.start(c.Servers[i])
}

// RunMember runs a cluster member until the process is killed: the body of a child
// process that a test kills with SIGKILL.
func RunMember(spec MemberSpec) error {
	srv, err := server.NewServer(spec.Options())
	if err != nil {
		return err
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		return fmt.Errorf("natstest: member %s did not start", spec.Name)
	}
	srv.WaitForShutdown()
	return nil
}

// Healthy reports whether every member runs and is current with JetStream's streams (as
// its /healthz says): shutting one down then leaves a quorum of every replicated stream.
func (c *Cluster) Healthy() bool {
	for _, m := range c.Servers {
		if m.srv == nil || m.srv.Healthz(nil).Status != "ok" {
			return false
		}
	}
	return true
}
