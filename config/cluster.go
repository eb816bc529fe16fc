package config

import (
	"net"
	"net/url"
	"strings"
)

// MaxNodeIDBytes bounds cluster.node_id.
const MaxNodeIDBytes = 64

// maxStreamNameBytes bounds cluster.stream: NATS advises short stream names, which become
// directory names on the NATS servers.
const maxStreamNameBytes = 32

// checkCluster adds the problems of the cluster section.
func (ps *problems) checkCluster(c Cluster) {
	if c.NATSURL != "" {
		ps.checkNATSURL(c.NATSURL)
	}
	ps.checkBaseURL("cluster.advertise_url", c.AdvertiseURL)
	if c.NodeID != "" {
		if msg := checkCustomerID(c.NodeID); msg != "" {
			ps.add("cluster.node_id", "%s", msg)
		} else if len(c.NodeID) > MaxNodeIDBytes {
			ps.add("cluster.node_id", "must be at most %d bytes", MaxNodeIDBytes)
		}
	}
	if !validStreamName(c.Stream) {
		ps.add("cluster.stream", "%q: use 1 to %d letters, digits, '-' and '_'", truncate(c.Stream), maxStreamNameBytes)
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		ps.add("cluster.replicas", "must be from 1 to 5, not %d", c.Replicas)
	}
	user, _, isPassword := SplitNATSCredentials(c.Credentials)
	if c.Credentials != "" && !isPassword && !strings.HasSuffix(c.Credentials, ".creds") {
		ps.add("cluster.credentials", "must be \"user:password\" or the path of a .creds file")
	} else if isPassword && user == "" {
		ps.add("cluster.credentials", "\"user:password\" needs a user before the colon")
	}
	ps.checkAddr("cluster.embedded_listen", c.EmbeddedListen)
	if c.EmbeddedNATS {
		host, _, err := net.SplitHostPort(c.EmbeddedListen)
		switch {
		case c.NATSURL != "":
			ps.add("cluster.nats_url", "must be empty with cluster.embedded_nats: a node with the embedded server uses it, and the other nodes point cluster.nats_url at it")
		case err != nil:
		case c.Credentials != "" && !isPassword:
			ps.add("cluster.credentials", "the embedded NATS server takes \"user:password\" credentials, not a .creds file")
		case c.Credentials == "" && !isLoopback(host):
			ps.add("cluster.embedded_listen", "%q is reachable from other hosts: set cluster.credentials (\"user:password\") so that only nodes get in, or listen on 127.0.0.1", c.EmbeddedListen)
		}
	}
	positive(ps, "cluster.timeout", c.Timeout)
	positive(ps, "cluster.snapshot_interval", c.SnapshotInterval)
	positive(ps, "cluster.snapshot_records", c.SnapshotRecords)
	if c.SnapshotsKept < 1 || c.SnapshotsKept > maxSnapshotsKept {
		ps.add("cluster.snapshots_kept", "must be from 1 to %d, not %d", maxSnapshotsKept, c.SnapshotsKept)
	}
}

// maxSnapshotsKept bounds cluster.snapshots_kept: each is a full copy of the state on
// every NATS server of the bus.
const maxSnapshotsKept = 100

// checkNATSURL checks a comma-separated list of NATS server URLs.
func (ps *problems) checkNATSURL(list string) {
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		u, err := url.Parse(s)
		switch {
		case err != nil || s == "":
			ps.add("cluster.nats_url", "%q is not a URL", truncate(s))
		case u.Scheme != "nats" && u.Scheme != "tls":
			ps.add("cluster.nats_url", "%q must start with nats:// or tls://", truncate(s))
		case u.Host == "":
			ps.add("cluster.nats_url", "%q has no host", truncate(s))
		case u.User != nil:
			ps.add("cluster.nats_url", "a URL must not hold credentials (they would be printed with the configuration): set cluster.credentials")
		case u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/"):
			ps.add("cluster.nats_url", "%q must be a scheme, a host and a port only", truncate(s))
		}
	}
}

// SplitNATSCredentials splits cluster.credentials of the form "user:password"; ok is false
// for anything else (empty, or the path of a .creds file).
func SplitNATSCredentials(s string) (user, password string, ok bool) {
	if s == "" || strings.HasSuffix(s, ".creds") {
		return "", "", false
	}
	return strings.Cut(s, ":")
}

func validStreamName(s string) bool {
	if s == "" || len(s) > maxStreamNameBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || ch == '-' || ch == '_') {
			return false
		}
	}
	return true
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
