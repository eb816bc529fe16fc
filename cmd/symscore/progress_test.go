package main

import (
	"bytes"
	"os"
	"regexp"
	"testing"
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
			p := newProgress(&b, "learned", 1000, tc.quiet)
			p.tty, p.first, p.every = tc.tty, 0, 0
			p.add(250)
			p.add(750)
			p.finish()
			if !regexp.MustCompile(tc.want).MatchString(b.String()) {
				t.Errorf("output %q, want %s", b.String(), tc.want)
			}
		})
	}
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
