package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/config"
)

// defaultURL is the server the client commands talk to without --url or SYMSCORE_URL:
// the default listen address of serve.
const defaultURL = "http://127.0.0.1:8080"

// connFlags are the flags every client command takes: where the server is and who is
// asking.
type connFlags struct {
	url, cid, secret, dataDir, caFile string
	timeout                           time.Duration
}

// addConnFlags defines the connection flags on fs.
func addConnFlags(fs *pflag.FlagSet) *connFlags {
	f := &connFlags{}
	fs.StringVar(&f.url, "url", "", "server base URL (default $SYMSCORE_URL, else "+defaultURL+")")
	fs.StringVar(&f.cid, "cid", "", "customer id (default $SYMSCORE_CID, else the development customer of --data-dir)")
	fs.StringVar(&f.secret, "secret", "", "the customer's Base64 secret (default $SYMSCORE_SECRET)")
	fs.StringVar(&f.dataDir, "data-dir", "", "where serve keeps the development customer (default $SYMSCORE_DATA_DIR, else ./var)")
	fs.StringVar(&f.caFile, "ca-file", "", "PEM file of the certificate authority to trust for an https:// or wss:// server, instead of the system's (default $SYMSCORE_CA_FILE)")
	fs.DurationVar(&f.timeout, "timeout", client.DefaultTimeout, "bound on each request and on the wait for each reply")
	return f
}

// credentials resolves the URL, customer id and secret: flags, else the SYMSCORE_URL,
// SYMSCORE_CID and SYMSCORE_SECRET environment variables, else (for the customer) the
// development customer file that serve creates in the data directory.
func (f *connFlags) credentials() (url, cid, secret string, err error) {
	url = normalizeURL(firstNonEmpty(f.url, os.Getenv("SYMSCORE_URL"), defaultURL))
	cid = firstNonEmpty(f.cid, os.Getenv("SYMSCORE_CID"))
	secret = firstNonEmpty(f.secret, os.Getenv("SYMSCORE_SECRET"))
	switch {
	case cid != "" && secret != "":
		return url, cid, secret, nil
	case cid != "":
		return "", "", "", usageError{errors.New("a customer id needs its secret: give --secret or SYMSCORE_SECRET")}
	case secret != "":
		return "", "", "", usageError{errors.New("a secret needs its customer id: give --cid or SYMSCORE_CID")}
	}
	dir := firstNonEmpty(f.dataDir, os.Getenv("SYMSCORE_DATA_DIR"), "./var")
	cid, secret, err = readDevCustomer(config.DevCustomerPath(dir))
	return url, cid, secret, err
}

// normalizeURL accepts a server address as users write it: with http:// or https://,
// with the WebSocket schemes ws:// or wss:// (the same listener), or with none
// (127.0.0.1:8080, localhost:8080: http://).
func normalizeURL(u string) string {
	u = strings.TrimSpace(u)
	switch {
	case strings.HasPrefix(u, "ws://"):
		return "http://" + u[len("ws://"):]
	case strings.HasPrefix(u, "wss://"):
		return "https://" + u[len("wss://"):]
	case strings.Contains(u, "://"):
		return u
	}
	return "http://" + u
}

// dialedURL is the server URL of the last client made, for the hint on connection
// errors (one command runs at a time in a process).
var dialedURL string

// connectionHint suggests what to check after an error connecting to the server: ""
// when err is not one.
func connectionHint(err error) string {
	if dialedURL == "" {
		return ""
	}
	var dns *net.DNSError
	var op *net.OpError
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var notTLS tls.RecordHeaderError
	switch {
	case errors.As(err, &unknownCA):
		return fmt.Sprintf("\nhint: the certificate of %s is not signed by an authority this system trusts: give its authority's certificate with --ca-file (or SYMSCORE_CA_FILE)", dialedURL)
	case errors.As(err, &badHost):
		return fmt.Sprintf("\nhint: the certificate of %s is not for that host: dial it by a name the certificate holds", dialedURL)
	case errors.As(err, &notTLS) || strings.Contains(fmt.Sprint(err), "server gave HTTP response to HTTPS client"):
		return fmt.Sprintf("\nhint: %s does not speak TLS: use http:// (or ws://) for a server without tls.cert_file", dialedURL)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("\nhint: nothing listens at %s: is `symscore serve` running there? (give --url or SYMSCORE_URL for another server)", dialedURL)
	case errors.As(err, &dns):
		return fmt.Sprintf("\nhint: the host of %s is unknown: check --url or SYMSCORE_URL", dialedURL)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &op) && op.Timeout():
		return fmt.Sprintf("\nhint: %s did not answer in time: is `symscore serve` running there and reachable? (--timeout raises the bound)", dialedURL)
	case errors.Is(err, syscall.ECONNRESET) || errors.As(err, &op):
		return fmt.Sprintf("\nhint: the connection to %s failed: is it a symscore server, and does it serve TLS (https://) or not (http://)?", dialedURL)
	}
	return ""
}

// client returns a client of the resolved server and customer.
func (f *connFlags) client() (*client.Client, error) {
	url, cid, secret, err := f.credentials()
	if err != nil {
		return nil, err
	}
	dialedURL = url
	if f.timeout <= 0 {
		return nil, usageError{fmt.Errorf("--timeout must be > 0, not %v", f.timeout)}
	}
	opts := []client.Option{client.WithTimeout(f.timeout)}
	if ca := firstNonEmpty(f.caFile, os.Getenv("SYMSCORE_CA_FILE")); ca != "" {
		cfg, err := client.LoadCAFile(ca)
		if err != nil {
			return nil, usageError{fmt.Errorf("--ca-file: %w", err)}
		}
		opts = append(opts, client.WithTLSConfig(cfg))
	}
	c, err := client.New(url, cid, secret, opts...)
	if err != nil {
		return nil, usageError{err}
	}
	return c, nil
}

// readDevCustomer reads the development customer file (config.DevCustomerFile).
func readDevCustomer(path string) (cid, secret string, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("no credentials: give --cid and --secret (or SYMSCORE_CID and SYMSCORE_SECRET), "+
			"or --data-dir where symscore serve keeps its development customer (%s does not exist)", path)
	}
	if err != nil {
		return "", "", fmt.Errorf("cannot read the development customer: %w", err)
	}
	var d struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(b, &d); err != nil || d.ID == "" || d.Secret == "" {
		return "", "", fmt.Errorf("development customer file %s is not {\"id\":...,\"secret\":...}", path)
	}
	return d.ID, d.Secret, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
