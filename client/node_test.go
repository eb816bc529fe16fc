package client

import (
	"context"
	"strings"
	"testing"
)

// TestAt: a node URL (ws, wss, http or https and a host) gives a client of that host at
// the root, over http or https, with the same customer; anything else is refused, and an
// empty URL is the client itself.
func TestAt(t *testing.T) {
	c, err := New("https://lb.example.com/prefix", "c1", "A1ciUrDJgm5LIJU710bxeQ==")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.At(""); err != nil || n != c {
		t.Fatalf("empty: %p %v", n, err)
	}
	for in, want := range map[string]string{
		"ws://node-a:8080":   "http://node-a:8080",
		"wss://node-a":       "https://node-a",
		"http://10.0.0.7:80": "http://10.0.0.7:80",
		"https://node-b/":    "https://node-b",
	} {
		n, err := c.At(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := n.scheme + "://" + n.host + n.basePath; got != want || n.cid != "c1" || n.signer != c.signer {
			t.Errorf("%s: %s (customer %s), want %s", in, got, n.cid, want)
		}
	}
	if c.host != "lb.example.com" || c.basePath != "/prefix" {
		t.Errorf("At changed its client: %s%s", c.host, c.basePath)
	}
	for in, want := range map[string]string{
		"ftp://node-a":      "want ws://",
		"ws://":             "no host",
		"ws://node-a/x":     "a scheme and a host only",
		"ws://u:p@node-a":   "a scheme and a host only",
		"ws://node-a?x=1":   "a scheme and a host only",
		"ws://node-a:8080%": "node URL",
	} {
		if _, err := c.At(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

// TestUploadNodeNeedsResume: a node without an upload to resume is refused before
// anything is read or sent.
func TestUploadNodeNeedsResume(t *testing.T) {
	c, err := New("http://127.0.0.1:1", "c1", "A1ciUrDJgm5LIJU710bxeQ==")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Upload(context.Background(), "/nonexistent.csv", "p", UploadOptions{Node: "ws://node-a:8080"})
	if err == nil || !strings.Contains(err.Error(), "set Resume too") {
		t.Fatalf("%v", err)
	}
}
