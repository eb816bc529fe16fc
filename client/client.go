package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/symscore/symscore/auth"
)

// Defaults of the options.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultMaxReplyBytes = 64 << 20
	DefaultPollMin       = time.Millisecond
	DefaultPollMax       = 100 * time.Millisecond
)

// Client is a symscore client for one customer at one server. It signs every request
// with the customer's secret (package auth). It is safe for concurrent use and meant to be
// shared: one per customer per process, so that its sym-dates strictly increase.
type Client struct {
	scheme   string // "http" or "https"
	host     string // as in the URL: the Host header, and the host of signed service URLs
	basePath string // path prefix of the base URL, without the final '/'
	cid      string
	signer   *auth.Signer

	http          *http.Client
	tlsConfig     *tls.Config // of https:// and wss:// connections; nil: the defaults
	timeout       time.Duration
	maxReplyBytes int64
	signEvery     bool
	pollMin       time.Duration
	pollMax       time.Duration
}

// Option configures a Client in New.
type Option func(*Client)

// WithHTTPClient makes REST requests go through hc (proxies, TLS, transports). The
// default is an http.Client that ignores proxy environment variables, so that requests go
// where the base URL says.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithTLSConfig sets the TLS configuration of the client's https:// and wss://
// connections, e.g. one whose RootCAs trust a private certificate authority (LoadCAFile).
// The default trusts the system's roots. With WithHTTPClient, REST requests use that
// client's own transport: give it the same configuration.
func WithTLSConfig(cfg *tls.Config) Option { return func(c *Client) { c.tlsConfig = cfg } }

// LoadCAFile returns a TLS configuration that trusts the certificates of the PEM file at
// path, and only them (as curl --cacert does): for a server whose certificate a private
// authority signed. Pass it to WithTLSConfig.
func LoadCAFile(path string) (*tls.Config, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("client: CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("client: CA file %q holds no PEM certificate", path)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// WithTimeout bounds each REST request (when its context has no earlier deadline), the
// WebSocket handshake, each WebSocket write, and the wait for each WebSocket reply (a
// session that gets no reply for this long fails). Default DefaultTimeout; d ≤ 0 keeps it.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithMaxReplyBytes bounds the size of one reply (REST body or WebSocket message).
// Default DefaultMaxReplyBytes; n ≤ 0 keeps it.
func WithMaxReplyBytes(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.maxReplyBytes = n
		}
	}
}

// WithSignEveryFrame makes sessions sign and frame every message, as servers with
// auth.signed_frames_only require. By default only a session's first message is signed
// and framed; later ones are sent bare (docs/protocol.md 1.1), which saves an HMAC and header
// per message.
func WithSignEveryFrame() Option { return func(c *Client) { c.signEvery = true } }

// WithJobPoll sets how Build polls its job: first after min, the pause doubling up to max.
// Defaults DefaultPollMin and DefaultPollMax; values ≤ 0 keep them.
func WithJobPoll(min, max time.Duration) Option {
	return func(c *Client) {
		if min > 0 {
			c.pollMin = min
		}
		if max > 0 {
			c.pollMax = max
		}
	}
}

// WithClock sets the clock of sym-dates (tests of the date window); nil means time.Now.
// The client still makes every date later than the one before.
func WithClock(now func() time.Time) Option {
	return func(c *Client) {
		if now != nil {
			c.signer.Now = newIncreasingClock(now)
		}
	}
}

// New returns a client of the server at baseURL ("http://host:port" or "https://...",
// optionally with a path prefix when a proxy maps one) for customer cid with its Base64
// secret. It checks the URL and the secret; it does not contact the server.
func New(baseURL, cid, secret string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("client: base URL %q: %w", baseURL, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("client: base URL %q: want http:// or https://", baseURL)
	case u.Host == "":
		return nil, fmt.Errorf("client: base URL %q has no host", baseURL)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, fmt.Errorf("client: base URL %q: want no user, query or fragment", baseURL)
	}
	if cid == "" {
		return nil, errors.New("client: empty customer id")
	}
	signer, err := auth.NewSigner(cid, secret, nil)
	if err != nil {
		return nil, fmt.Errorf("client: customer %q: the secret is not valid Base64 of at least 16 bytes", cid)
	}
	signer.Now = newIncreasingClock(time.Now)
	c := &Client{
		scheme:        u.Scheme,
		host:          u.Host,
		basePath:      strings.TrimSuffix(u.EscapedPath(), "/"),
		cid:           cid,
		signer:        signer,
		timeout:       DefaultTimeout,
		maxReplyBytes: DefaultMaxReplyBytes,
		pollMin:       DefaultPollMin,
		pollMax:       DefaultPollMax,
	}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.Proxy = nil
		if c.tlsConfig != nil {
			tr.TLSClientConfig = c.tlsConfig.Clone()
		}
		c.http = &http.Client{Transport: tr}
	}
	return c, nil
}

// CID is the customer id.
func (c *Client) CID() string { return c.cid }

// BaseURL is the server's base URL as given to New, without a final '/'.
func (c *Client) BaseURL() string { return c.scheme + "://" + c.host + c.basePath }

// newIncreasingClock returns a clock that reads now and returns a time later than every
// one it returned before (by 1ns when now has not advanced), so that two messages signed
// by one client never share a sym-date, hence never a signature: the server refuses a
// repeated learn signature as a replay.
func newIncreasingClock(now func() time.Time) func() time.Time {
	var mu sync.Mutex // guards last
	var last time.Time
	return func() time.Time {
		t := now().Round(0)
		mu.Lock()
		defer mu.Unlock()
		if !t.After(last) {
			t = last.Add(time.Nanosecond)
		}
		last = t
		return t
	}
}
