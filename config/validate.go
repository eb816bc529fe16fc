package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
)

// MinSecretBytes is the least number of bytes a decoded secret may have.
const MinSecretBytes = 16

// MaxCustomerIDBytes bounds a customer id.
const MaxCustomerIDBytes = 128

// MaxNameBytesLimit is the largest limits.max_name_bytes accepted.
const MaxNameBytesLimit = 64 << 10

// Validate checks a configuration whose defaults are applied and returns a *Error listing
// every problem, or nil. It reads nothing outside c.
func (c *Config) Validate() error {
	var ps problems
	ps.checkAddr("listen", c.Listen)
	ps.checkAddr("admin_listen", c.AdminListen)
	if c.Listen == c.AdminListen && !hasPortZero(c.Listen) {
		ps.add("admin_listen", "must differ from listen (%q)", c.Listen)
	}
	ps.checkBaseURL("public_url", c.PublicURL)
	switch {
	case c.TLS.CertFile != "" && c.TLS.KeyFile == "":
		ps.add("tls.key_file", "must be set with tls.cert_file (the certificate's private key)")
	case c.TLS.CertFile == "" && c.TLS.KeyFile != "":
		ps.add("tls.cert_file", "must be set with tls.key_file (the certificate of that key)")
	}
	if c.DataDir == "" {
		ps.add("data_dir", "must not be empty")
	}
	switch c.Durability {
	case "always", "interval", "none":
	default:
		ps.add("durability", "must be always, interval or none, not %q", c.Durability)
	}
	positive(&ps, "durability_interval", c.DurabilityInterval)
	ps.checkCustomers(c.Customers)

	positive(&ps, "auth.clock_skew_past", c.Auth.ClockSkewPast)
	positive(&ps, "auth.clock_skew_future", c.Auth.ClockSkewFuture)
	positive(&ps, "auth.replay_capacity", c.Auth.ReplayCapacity)

	l := c.Limits
	positive(&ps, "limits.max_frame_bytes", l.MaxFrameBytes)
	positive(&ps, "limits.max_message_bytes", l.MaxMessageBytes)
	if l.MaxFrameBytes > l.MaxMessageBytes && l.MaxMessageBytes > 0 {
		ps.add("limits.max_frame_bytes", "must not exceed limits.max_message_bytes (%s > %s)",
			FormatSize(l.MaxFrameBytes), FormatSize(l.MaxMessageBytes))
	}
	positive(&ps, "limits.max_rows", l.MaxRows)
	positive(&ps, "limits.max_columns", l.MaxColumns)
	positive(&ps, "limits.max_connections", l.MaxConnections)
	positive(&ps, "limits.max_unauthenticated_connections", l.MaxUnauthenticatedConnections)
	if l.MaxUnauthenticatedConnections > l.MaxConnections && l.MaxConnections > 0 {
		ps.add("limits.max_unauthenticated_connections", "must not exceed limits.max_connections (%d > %d)",
			l.MaxUnauthenticatedConnections, l.MaxConnections)
	}
	positive(&ps, "limits.max_unauthenticated_connections_per_address", l.MaxUnauthenticatedConnectionsPerAddress)
	if l.MaxUnauthenticatedConnectionsPerAddress > l.MaxUnauthenticatedConnections && l.MaxUnauthenticatedConnections > 0 {
		ps.add("limits.max_unauthenticated_connections_per_address", "must not exceed limits.max_unauthenticated_connections (%d > %d)",
			l.MaxUnauthenticatedConnectionsPerAddress, l.MaxUnauthenticatedConnections)
	}
	positive(&ps, "limits.max_inflight", l.MaxInflight)
	positive(&ps, "limits.rpc_inflight", l.RPCInflight)
	positive(&ps, "limits.handshake_timeout", l.HandshakeTimeout)
	positive(&ps, "limits.idle_timeout", l.IdleTimeout)
	positive(&ps, "limits.write_timeout", l.WriteTimeout)
	positive(&ps, "limits.outbound_queue_bytes", l.OutboundQueueBytes)
	positive(&ps, "limits.max_unverified_bytes", l.MaxUnverifiedBytes)
	positive(&ps, "limits.max_unverified_bytes_per_address", l.MaxUnverifiedBytesPerAddress)
	positive(&ps, "limits.max_unverified_bytes_per_connection", l.MaxUnverifiedBytesPerConnection)
	// Below these, the largest request the per-connection bound allows could never be read
	// from one address, only refused with "retry".
	atLeast(&ps, "limits.max_unverified_bytes", l.MaxUnverifiedBytes, "limits.max_unverified_bytes_per_address", l.MaxUnverifiedBytesPerAddress)
	atLeast(&ps, "limits.max_unverified_bytes_per_address", l.MaxUnverifiedBytesPerAddress, "limits.max_unverified_bytes_per_connection", l.MaxUnverifiedBytesPerConnection)
	positive(&ps, "limits.auth_timeout", l.AuthTimeout)
	positive(&ps, "limits.max_inflight_bytes", l.MaxInflightBytes)
	positive(&ps, "limits.max_inflight_bytes_per_customer", l.MaxInflightBytesPerCustomer)
	// Below these, a message of the largest size could never be read.
	atLeast(&ps, "limits.max_inflight_bytes", l.MaxInflightBytes, "limits.max_inflight_bytes_per_customer", l.MaxInflightBytesPerCustomer)
	atLeast(&ps, "limits.max_inflight_bytes_per_customer", l.MaxInflightBytesPerCustomer, "limits.max_message_bytes", l.MaxMessageBytes)
	positive(&ps, "limits.max_projects", l.MaxProjects)
	positive(&ps, "limits.max_models", l.MaxModels)
	positive(&ps, "limits.max_attributes", l.MaxAttributes)
	positive(&ps, "limits.max_partitions", l.MaxPartitions)
	positive(&ps, "limits.max_new_attributes_per_message", l.MaxNewAttributesPerMessage)
	positive(&ps, "limits.max_project_bytes", l.MaxProjectBytes)
	positive(&ps, "limits.max_name_bytes", l.MaxNameBytes)
	if l.MaxNameBytes > MaxNameBytesLimit {
		ps.add("limits.max_name_bytes", "must be at most %d (a name is copied and hashed where it is used)", MaxNameBytesLimit)
	}
	positive(&ps, "limits.max_customer_bytes", l.MaxCustomerBytes)
	if l.MaxCustomerBytes < l.MaxProjectBytes && l.MaxCustomerBytes > 0 {
		ps.add("limits.max_customer_bytes", "must be at least limits.max_project_bytes (%s < %s)",
			FormatSize(l.MaxCustomerBytes), FormatSize(l.MaxProjectBytes))
	}
	positive(&ps, "limits.max_explore_work", l.MaxExploreWork)
	positive(&ps, "limits.max_subscriptions", l.MaxSubscriptions)
	if iv := c.Subscribe.Interval; iv < MinSubscribeInterval {
		ps.add("subscribe.interval", "must be at least %v (a shorter one would read a watched project after nearly every change), not %v", MinSubscribeInterval, iv)
	}
	positive(&ps, "limits.max_upload_bytes", l.MaxUploadBytes)
	positive(&ps, "limits.max_uploads", l.MaxUploads)
	positive(&ps, "limits.max_upload_disk_bytes", l.MaxUploadDiskBytes)
	if l.MaxUploadDiskBytes < l.MaxUploadBytes && l.MaxUploadDiskBytes > 0 {
		ps.add("limits.max_upload_disk_bytes", "must be at least limits.max_upload_bytes (%s < %s)",
			FormatSize(l.MaxUploadDiskBytes), FormatSize(l.MaxUploadBytes))
	}
	positive(&ps, "uploads.ttl", c.Uploads.TTL)

	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		ps.add("log.level", "must be debug, info, warn or error, not %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		ps.add("log.format", "must be json or text, not %q", c.Log.Format)
	}
	ps.checkCluster(c.Cluster)
	return ps.err()
}

// atLeast adds a problem under key when v, a size, is below the size floor of floorKey
// (both positive; a negative one has its own problem).
func atLeast(ps *problems, key string, v int64, floorKey string, floor int64) {
	if v > 0 && floor > 0 && v < floor {
		ps.add(key, "must be at least %s (%s < %s)", floorKey, FormatSize(v), FormatSize(floor))
	}
}

// positive adds a problem when v is not above zero. Zero fields hold their default once
// ApplyDefaults ran, so only a negative value reaches this message.
func positive[T ~int | ~int64](ps *problems, key string, v T) {
	if v <= 0 {
		ps.add(key, "must be > 0")
	}
}

func (ps *problems) checkAddr(key, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err)
		}
		ps.add(key, "%q is not host:port: %v", addr, err)
		return
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || strconv.FormatUint(n, 10) != port {
		ps.add(key, "port %q is not a number from 0 to 65535", port)
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		ps.add(key, "host %q is neither an IP address nor a host name", host)
	}
}

func hasPortZero(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && port == "0"
}

// validHostname reports whether h is a DNS name: labels of letters, digits and '-'.
func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(h); i++ {
		switch ch := h[i]; {
		case ch == '.':
			if label == 0 {
				return false
			}
			label = 0
		case ch == '-' || '0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z':
			label++
			if label > 63 {
				return false
			}
		default:
			return false
		}
	}
	return label > 0 || len(h) > 1
}

// checkBaseURL checks the value s of key, a base URL clients dial (public_url,
// cluster.advertise_url): empty, or ws:// or wss:// and a host.
func (ps *problems) checkBaseURL(key, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil {
		ps.add(key, "%q is not a URL", s)
		return
	}
	switch {
	case u.Scheme != "ws" && u.Scheme != "wss":
		ps.add(key, "%q must start with ws:// or wss://", s)
	case u.Host == "":
		ps.add(key, "%q has no host", s)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/"):
		ps.add(key, "%q must be a scheme and a host only, e.g. \"wss://api.example.com\"", s)
	}
}

func (ps *problems) checkCustomers(cs []Customer) {
	seen := make(map[string]int, len(cs))
	for i, c := range cs {
		key := fmt.Sprintf("customers[%d]", i)
		switch msg := checkCustomerID(c.ID); {
		case msg != "":
			ps.add(key+".id", "%s", msg)
		default:
			if j, dup := seen[c.ID]; dup {
				ps.add(key+".id", "%q is also customers[%d].id", c.ID, j)
			} else {
				seen[c.ID] = i
			}
		}
		if len(c.Secrets) == 0 {
			ps.add(key+".secrets", "must list at least one secret")
		}
		for j, s := range c.Secrets {
			if msg := checkSecret(s); msg != "" {
				ps.add(fmt.Sprintf("%s.secrets[%d]", key, j), "%s", msg)
			}
		}
	}
}

// checkCustomerID returns what is wrong with a customer id, or "". An id is a URL path
// segment (/symetry/rest/{cid}/...) and a line of every string to sign: it must need no
// escaping in either.
func checkCustomerID(id string) string {
	switch {
	case id == "":
		return "must not be empty"
	case len(id) > MaxCustomerIDBytes:
		return fmt.Sprintf("must be at most %d bytes", MaxCustomerIDBytes)
	case id == "." || id == "..":
		return fmt.Sprintf("%q is not a usable path segment", id)
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			return fmt.Sprintf("%q: byte %d is %q; use only letters, digits and -._~", truncate(id), i, ch)
		}
	}
	return ""
}

// checkSecret returns what is wrong with a secret, or "". The text must be canonical
// padded standard Base64: it is signed as written, so a variant spelling of the same bytes
// (no padding, line breaks) would make clients and server disagree.
func checkSecret(s string) string {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || base64.StdEncoding.EncodeToString(b) != s {
		return "not valid Base64 (standard alphabet, padded, no spaces)"
	}
	if len(b) < MinSecretBytes {
		return fmt.Sprintf("decodes to %d bytes; at least %d are required (symscore keygen makes one)", len(b), MinSecretBytes)
	}
	return ""
}

// truncate cuts s to 40 bytes for quoting in a message.
func truncate(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:40] + "..."
}
