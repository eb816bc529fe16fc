package main

import "testing"

func TestDashboardURL(t *testing.T) {
	for _, c := range []struct {
		listen, public string
		tls            bool
		want           string
	}{
		{"127.0.0.1:8080", "", false, "http://127.0.0.1:8080/ui/"},
		{"0.0.0.0:8080", "", false, "http://127.0.0.1:8080/ui/"},
		{"[::]:8080", "", false, "http://[::1]:8080/ui/"},
		{":8080", "", false, "http://127.0.0.1:8080/ui/"},
		{"[::1]:9000", "", false, "http://[::1]:9000/ui/"},
		{"10.0.0.5:8080", "", false, "http://10.0.0.5:8080/ui/"},
		{"0.0.0.0:8080", "wss://api.example.com", false, "https://api.example.com/ui/"},
		{"0.0.0.0:8080", "ws://charm:8080", false, "http://charm:8080/ui/"},
		{"0.0.0.0:8443", "", true, "https://127.0.0.1:8443/ui/"},
		{"0.0.0.0:8443", "wss://api.example.com", true, "https://api.example.com/ui/"},
		{"0.0.0.0:8080", "wss://example.com/sym/", false, "https://example.com/sym/ui/"},
	} {
		if got := dashboardURL(c.listen, c.public, c.tls); got != c.want {
			t.Errorf("dashboardURL(%q, %q, %v) = %q, want %q", c.listen, c.public, c.tls, got, c.want)
		}
	}
}
