package main

import (
	"strings"
	"testing"
)

// TestReady: ready exits 0 against a ready server's admin listener (with or without a
// scheme), 1 where nothing listens.
func TestReady(t *testing.T) {
	ds := startDevServer(t, "")
	admin := ds.admin
	for _, url := range []string{"http://" + admin, admin} {
		if r := ds.cli(t, "ready", "--admin-url", url); r.code != 0 || !strings.Contains(r.stdout, "answered 200") {
			t.Errorf("ready --admin-url %s: exit %d\n%s%s", url, r.code, r.stdout, r.stderr)
		}
	}
	if r := ds.cli(t, "ready", "--admin-url", "http://127.0.0.1:1"); r.code != 1 || !strings.Contains(r.stderr, "not ready") {
		t.Errorf("ready where nothing listens: exit %d\n%s", r.code, r.stderr)
	}
}
