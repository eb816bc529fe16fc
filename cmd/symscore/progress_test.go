package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tty   bool
		quiet bool
		want  string // a regexp over the whole output
	}{
		{name: "lines", want: `^learned 250/1000 rows \(25%\), [\d.]+(k|M)? rows/s\nlearned 1000/1000 rows \(100%\), [\d.]+(k|M)? rows/s\n$`},
		{name: "bar", tty: true, want: `^\rlearned \[======>                       \]  25%  250/1000 rows  [^\r]+(\rlearned \[==============================\] 100%  1000/1000 rows  [^\r\n]+)+\n$`},
		{name: "quiet", quiet: true, want: `^$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			p := newProgress(&b, "learned", 1000, tc.quiet, nil)
			p.tty, p.first, p.every = tc.tty, 0, 0
			p.add(250)
			p.add(750)
			p.finish()
			if !regexp.MustCompile(tc.want).MatchString(b.String()) {
				t.Errorf("output %q, want %s", b.String(), tc.want)
			}
		})
	}
	t.Run("phases share the command's clock", func(t *testing.T) {
		// The check phase draws nothing in the command's first second; the next phase's
		// first line comes as soon as the command's first second has passed, however
		// young the phase; the one after that waits for the command's every.
		var b bytes.Buffer
		clk := newProgressClock()
		check := newProgressUnit(&b, "checked", true, 1000, false, clk)
		check.add(500)
		check.finish()
		if b.Len() != 0 {
			t.Fatalf("a line within the first second: %q", b.String())
		}
		clk.start = clk.start.Add(-2 * time.Second) // the command began 2 s ago
		send := newProgress(&b, "learned", 1000, false, clk)
		send.add(10)
		if !strings.HasPrefix(b.String(), "learned 10/1000 rows") {
			t.Fatalf("no line from a new phase past the command's first second: %q", b.String())
		}
		send.add(10)
		if n := strings.Count(b.String(), "\n"); n != 1 {
			t.Fatalf("%d lines: a second one before every (%v) passed: %q", n, send.every, b.String())
		}
		clk.last = clk.last.Add(-send.every)
		send.add(10)
		if n := strings.Count(b.String(), "\n"); n != 2 {
			t.Fatalf("%d lines after every passed: %q", n, b.String())
		}
	})
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file is a terminal")
	}
}
