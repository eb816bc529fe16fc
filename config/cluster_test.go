package config

import (
	"bytes"
	"strings"
	"testing"
)

// TestValidateCluster changes one cluster key of a valid cluster configuration and checks
// the one problem it causes.
func TestValidateCluster(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Cluster)
		key    string
		msg    string // "" for a configuration that must be valid
	}{
		{"several urls", func(c *Cluster) { c.NATSURL = "nats://10.0.0.1:4222, tls://nats.example:4222" }, "", ""},
		{"embedded only", func(c *Cluster) { c.NATSURL, c.EmbeddedNATS = "", true }, "", ""},
		{"embedded on all interfaces with a password", func(c *Cluster) {
			c.NATSURL, c.EmbeddedNATS, c.EmbeddedListen, c.Credentials = "", true, "0.0.0.0:4222", "node:pw"
		}, "", ""},
		{"creds file", func(c *Cluster) { c.Credentials = "/etc/symscore/node.creds" }, "", ""},
		{"url scheme", func(c *Cluster) { c.NATSURL = "http://x:4222" }, "cluster.nats_url", "must start with nats:// or tls://"},
		{"url no host", func(c *Cluster) { c.NATSURL = "nats://" }, "cluster.nats_url", "has no host"},
		{"url with password", func(c *Cluster) { c.NATSURL = "nats://u:secretpw@x:4222" }, "cluster.nats_url", "must not hold credentials"},
		{"url path", func(c *Cluster) { c.NATSURL = "nats://x:4222/a" }, "cluster.nats_url", "a scheme, a host and a port only"},
		{"empty url in list", func(c *Cluster) { c.NATSURL = "nats://x:4222," }, "cluster.nats_url", "is not a URL"},
		{"advertise url scheme", func(c *Cluster) { c.AdvertiseURL = "http://node-a:8080" }, "cluster.advertise_url", "must start with ws:// or wss://"},
		{"advertise url path", func(c *Cluster) { c.AdvertiseURL = "ws://node-a:8080/x" }, "cluster.advertise_url", "a scheme and a host only"},
		{"node id", func(c *Cluster) { c.NodeID = "a b" }, "cluster.node_id", "use only letters, digits and -._~"},
		{"node id long", func(c *Cluster) { c.NodeID = strings.Repeat("n", 65) }, "cluster.node_id", "at most 64 bytes"},
		{"stream dot", func(c *Cluster) { c.Stream = "A.B" }, "cluster.stream", "letters, digits, '-' and '_'"},
		{"stream long", func(c *Cluster) { c.Stream = strings.Repeat("S", 33) }, "cluster.stream", "1 to 32"},
		{"replicas", func(c *Cluster) { c.Replicas = 7 }, "cluster.replicas", "from 1 to 5"},
		{"credentials shape", func(c *Cluster) { c.Credentials = "justatoken" }, "cluster.credentials", `"user:password" or the path of a .creds file`},
		{"credentials no user", func(c *Cluster) { c.Credentials = ":pw" }, "cluster.credentials", "needs a user"},
		{"embedded listen", func(c *Cluster) { c.EmbeddedListen = "4222" }, "cluster.embedded_listen", "is not host:port"},
		{"embedded open to others", func(c *Cluster) { c.NATSURL, c.EmbeddedNATS, c.EmbeddedListen = "", true, ":4222" }, "cluster.embedded_listen", "set cluster.credentials"},
		{"embedded and a url", func(c *Cluster) { c.EmbeddedNATS = true }, "cluster.nats_url", "must be empty with cluster.embedded_nats"},
		{"embedded with creds file", func(c *Cluster) { c.NATSURL, c.EmbeddedNATS, c.Credentials = "", true, "n.creds" }, "cluster.credentials", "not a .creds file"},
		{"timeout", func(c *Cluster) { c.Timeout = -1 }, "cluster.timeout", "must be > 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.Cluster.NATSURL = "nats://127.0.0.1:4222"
			if err := c.Validate(); err != nil {
				t.Fatalf("valid configuration refused: %v", err)
			}
			tc.change(&c.Cluster)
			if tc.msg == "" {
				if err := c.Validate(); err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantProblems(t, c.Validate(), map[string]string{tc.key: tc.msg})
		})
	}
}

func TestClusterEnabled(t *testing.T) {
	for _, tc := range []struct {
		c    Cluster
		want bool
	}{
		{Cluster{}, false},
		{Default().Cluster, false},
		{Cluster{NATSURL: "nats://x:4222"}, true},
		{Cluster{EmbeddedNATS: true}, true},
	} {
		if got := tc.c.Enabled(); got != tc.want {
			t.Errorf("%+v.Enabled() = %v, want %v", tc.c, got, tc.want)
		}
	}
}

func TestMaskedHidesTheBusPassword(t *testing.T) {
	c := Default()
	c.Cluster.Credentials = "node:s3cret-pw"
	out := c.Masked().AppendYAML(nil)
	if bytes.Contains(out, []byte("s3cret-pw")) || !bytes.Contains(out, []byte(`credentials: "node:`+MaskedSecret+`"`)) {
		t.Errorf("masked dump:\n%s", out)
	}
	c.Cluster.Credentials = "/etc/node.creds" // a path, not a secret: shown
	if out := c.Masked().AppendYAML(nil); !bytes.Contains(out, []byte("/etc/node.creds")) {
		t.Errorf("masked dump hides the creds path:\n%s", out)
	}
}

func TestSplitNATSCredentials(t *testing.T) {
	for _, tc := range []struct {
		in, user, pw string
		ok           bool
	}{
		{"", "", "", false},
		{"u:p", "u", "p", true},
		{"u:p:q", "u", "p:q", true},
		{"/a/b.creds", "", "", false},
		{"x", "x", "", false},
	} {
		u, p, ok := SplitNATSCredentials(tc.in)
		if ok != tc.ok || (ok && (u != tc.user || p != tc.pw)) {
			t.Errorf("SplitNATSCredentials(%q) = %q, %q, %v", tc.in, u, p, ok)
		}
	}
}
