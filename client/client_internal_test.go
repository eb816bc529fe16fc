package client

import (
	"strings"
	"testing"
	"time"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"iris-1.a_b~": "iris-1.a_b~",
		"a b/c?d&e=f": "a%20b%2Fc%3Fd%26e%3Df",
		"é":           "%C3%A9",
		"%":           "%25",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := query("pid", "a b", "type", "cpu"); got != "pid=a%20b&type=cpu" {
		t.Errorf("query: %q", got)
	}
}

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		url, cid, secret string
		err              string
		base             string
	}{
		{url: "http://h:8080", cid: "c", secret: "A1ciUrDJgm5LIJU710bxeQ==", base: "http://h:8080"},
		{url: "https://h/prefix/", cid: "c", secret: "A1ciUrDJgm5LIJU710bxeQ==", base: "https://h/prefix"},
		{url: "ws://h", cid: "c", secret: "A1ciUrDJgm5LIJU710bxeQ==", err: "want http:// or https://"},
		{url: "http://", cid: "c", secret: "A1ciUrDJgm5LIJU710bxeQ==", err: "has no host"},
		{url: "http://h?x=1", cid: "c", secret: "A1ciUrDJgm5LIJU710bxeQ==", err: "want no user, query or fragment"},
		{url: "http://h", cid: "", secret: "A1ciUrDJgm5LIJU710bxeQ==", err: "empty customer id"},
		{url: "http://h", cid: "c", secret: "not base64!", err: "the secret is not valid Base64"},
	} {
		c, err := New(tc.url, tc.cid, tc.secret)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("New(%q): %v, want %q", tc.url, err, tc.err)
		case tc.err == "" && (err != nil || c.BaseURL() != tc.base):
			t.Errorf("New(%q): %v, base %q", tc.url, err, c.BaseURL())
		case err != nil && strings.Contains(err.Error(), tc.secret):
			t.Errorf("error %q shows the secret", err)
		}
	}
}

func TestIncreasingClock(t *testing.T) {
	fixed := time.Date(2025, 11, 16, 20, 11, 50, 0, time.UTC)
	now := newIncreasingClock(func() time.Time { return fixed })
	prev := now()
	for range 1000 {
		next := now()
		if !next.After(prev) {
			t.Fatalf("%v after %v", next, prev)
		}
		prev = next
	}
}
