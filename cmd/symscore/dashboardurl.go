package main

import (
	"net"
	"net/url"
	"strings"
)

// dashboardURL is the address of the web dashboard (/ui/ on the main listener) for people
// to open: from public_url when symscore sits behind a proxy (ws → http, wss → https),
// else from the listener's address (https when the listener has TLS), with a loopback
// host for an unspecified one (0.0.0.0, ::), which a browser cannot open.
func dashboardURL(listenAddr, publicURL string, tls bool) string {
	if publicURL != "" {
		if u, err := url.Parse(publicURL); err == nil && u.Host != "" {
			scheme := "http"
			if u.Scheme == "wss" {
				scheme = "https"
			}
			return scheme + "://" + u.Host + strings.TrimSuffix(u.Path, "/") + "/ui/"
		}
	}
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return scheme + listenAddr + "/ui/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return scheme + net.JoinHostPort(host, port) + "/ui/"
}
