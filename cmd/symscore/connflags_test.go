package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLICredentials(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	dev, err := os.ReadFile(filepath.Join(ds.dataDir, "dev-customer.json"))
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.Split(strings.Split(string(dev), `"secret":"`)[1], `"`)[0]
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{name: "flags", args: []string{"--url", ds.url, "--cid", "dev", "--secret", secret, "--data-dir", empty}, code: 0},
		{name: "no credentials", args: []string{"--data-dir", empty}, code: 1, want: "no credentials: give --cid and --secret"},
		{name: "cid without secret", args: []string{"--cid", "dev"}, code: 2, want: "a customer id needs its secret"},
		{name: "wrong secret", args: []string{"--cid", "dev", "--secret", "AAECAwQFBgcICQoLDA0ODw=="}, code: 1, want: "project list: UNAUTHORIZED (401)"},
		{name: "bad secret", args: []string{"--cid", "dev", "--secret", "nope"}, code: 2, want: "the secret is not valid Base64"},
		{name: "bad url", args: []string{"--url", "ftp://x"}, code: 2, want: "want http:// or https://"},
		{name: "server down", args: []string{"--url", "http://127.0.0.1:1"}, code: 1, want: "connection refused\nhint: nothing listens at http://127.0.0.1:1: is `symscore serve` running there?"},
		{name: "url without a scheme", args: []string{"--url", strings.TrimPrefix(ds.url, "http://")}, code: 0},
		{name: "ws url", args: []string{"--url", "ws://" + strings.TrimPrefix(ds.url, "http://")}, code: 0},
		{name: "unknown host", args: []string{"--url", "http://no-such-host.invalid:8080"}, code: 1, want: "hint: the host of http://no-such-host.invalid:8080 is unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ds.cli(t, append([]string{"project", "list"}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d with %q", r.code, r.stderr, tc.code, tc.want)
			}
			if strings.Contains(r.stderr, secret) {
				t.Errorf("stderr shows the secret: %s", r.stderr)
			}
		})
	}
}
