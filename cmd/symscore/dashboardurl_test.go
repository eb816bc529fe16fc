package main

import "testing"

func TestDashboardURL(t *testing.T) {
	for _, c := range []struct{ listen, public, want string }{
		{"127.0.0.1:8080", "", "http://127.0.0.1:8080/ui/"},
		{"0.0.0.0:8080", "", "http://127.0.0.1:8080/ui/"},
		{"[::]:8080", "", "http://[::1]:8080/ui/"},
		{":8080", "", "http://127.0.0.1:8080/ui/"},
		{"[::1]:9000", "", "http://[::1]:9000/ui/"},
		{"10.0.0.5:8080", "", "http://10.0.0.5:8080/ui/"},
		{"0.0.0.0:8080", "wss://api.example.com", "https://api.example.com/ui/"},
		{"0.0.0.0:8080", "ws://charm:8080", "http://charm:8080/ui/"},
		{"0.0.0.0:8080", "wss://example.com/sym/", "https://example.com/sym/ui/"},
	} {
		if got := dashboardURL(c.listen, c.public); got != c.want {
			t.Errorf("dashboardURL(%q, %q) = %q, want %q", c.listen, c.public, got, c.want)
		}
	}
}
