package server

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"
)

// certStore is the main listener's certificate: read from its files at start and again by
// reload, swapped whole, so that a handshake uses either the old pair or the new one and
// connections already up keep theirs. Safe for concurrent use.
type certStore struct {
	certFile, keyFile string
	cert              atomic.Pointer[tls.Certificate]
}

// newCertStore loads the pair of files, or says why it cannot.
func newCertStore(certFile, keyFile string) (*certStore, error) {
	c := &certStore{certFile: certFile, keyFile: keyFile}
	if _, err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload reads the pair of files again and uses it for new handshakes; it returns the
// certificate's leaf. When the pair does not load, the one in use is kept.
func (c *certStore) reload() (*x509.Certificate, error) {
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return nil, fmt.Errorf("cannot load the TLS certificate tls.cert_file %q with tls.key_file %q: %w", c.certFile, c.keyFile, err)
	}
	// LoadX509KeyPair fills Leaf (Go 1.23 and later).
	if pair.Leaf == nil {
		return nil, fmt.Errorf("tls.cert_file %q: no certificate", c.certFile)
	}
	c.cert.Store(&pair)
	return pair.Leaf, nil
}

// notAfter is when the certificate in use expires.
func (c *certStore) notAfter() time.Time { return c.cert.Load().Leaf.NotAfter }

// getCertificate is the tls.Config's GetCertificate: the pair in use.
func (c *certStore) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.cert.Load(), nil
}

// config is the main listener's TLS configuration: TLS 1.2 and later, HTTP/1.1 only (the
// WebSocket upgrade and the REST control plane; no HTTP/2).
func (c *certStore) config() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"http/1.1"},
		GetCertificate: c.getCertificate,
	}
}

// ReloadTLS reads the main listener's certificate and key files again (tls.cert_file,
// tls.key_file) and uses them for the handshakes that follow; connections already up are
// untouched. When the files do not load, the pair in use is kept and the error returned.
// `symscore serve` calls it on SIGHUP. It fails when TLS is not configured or the server
// has not started.
func (s *Server) ReloadTLS() error {
	s.mu.Lock()
	certs := s.certs
	s.mu.Unlock()
	if certs == nil {
		return errors.New("TLS is not configured (tls.cert_file, tls.key_file) or the server has not started")
	}
	leaf, err := certs.reload()
	if err != nil {
		return err
	}
	s.log.Info("TLS certificate reloaded", "file", certs.certFile, "subject", leaf.Subject.String(),
		"not_after", leaf.NotAfter.UTC().Format(time.RFC3339))
	return nil
}

// answerPlainHTTP answers a request sent in clear to the TLS listener, as net/http does,
// when err (from the first read of nc's TLS connection) says the client spoke HTTP: the
// client learns to use https:// rather than seeing the connection drop.
func answerPlainHTTP(err error) {
	var rhe tls.RecordHeaderError
	if !errors.As(err, &rhe) || rhe.Conn == nil || !looksLikeHTTP(rhe.RecordHeader) {
		return
	}
	rhe.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	w := bufio.NewWriter(rhe.Conn)
	w.WriteString("HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" +
		"Client sent an HTTP request to an HTTPS server: use https:// or wss://.\n")
	w.Flush()
}

// looksLikeHTTP reports whether the first bytes of a connection are an HTTP method.
func looksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "DELET", "PATCH":
		return true
	}
	return false
}

// tlsListener wraps ln so that every connection it accepts is TLS with certs.
func tlsListener(ln net.Listener, certs *certStore) net.Listener {
	return tls.NewListener(ln, certs.config())
}
