package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCLILearnQuotedFields: commas, doubled quotes and newlines inside quoted fields are
// one cell each, and lines are counted in the file, not in records.
func TestCLILearnQuotedFields(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	ds.ok(t, "project", "create", "q")
	path := writeFile(t, "q.csv", "x,\"kind, of\"\n"+
		"1,\"a,b\"\n"+
		"2,\"say \"\"hi\"\"\"\n"+
		"3,\"spaced  out, too\"\n"+
		"4,plain\n")
	out := ds.ok(t, "learn", "-p", "q", path)
	if !strings.Contains(out, "learned 4 rows") || !strings.HasSuffix(out, "types C,T\n") {
		t.Errorf("learn: %q", out)
	}
	info := ds.info(t, "q")
	for _, name := range []string{"x", "kind, of$a,b", `kind, of$say "hi"`, "kind, of$spaced  out, too", "kind, of$plain"} {
		if !slices.Contains(info.AttributeNames, name) {
			t.Errorf("attribute %q missing: %q", name, info.AttributeNames)
		}
	}
	// A bad number after a two-line record (in an ignored column) is on line 6 of the file,
	// not record 5.
	bad := writeFile(t, "bad.csv", "x,k\n1,a\n2,\"two\nlines\"\n3,b\nfour,c\n")
	ds.fails(t, 1, []string{"learn", "-p", "q", "--types", "C,X", bad}, "learn: nothing was learned: "+bad+`:6:1: column "x": "four" is not a number`)
	// A T value holding a line break would make an attribute name holding one: refused.
	nl := writeFile(t, "nl.csv", "x,k\n1,a\n2,\"two\nlines\"\n")
	ds.fails(t, 1, []string{"learn", "-p", "q", "--types", "C,T", nl}, "learn: nothing was learned: "+nl+`:3:2: column "k": value "two\nlines" makes the attribute name "k$two\nlines", which holds a line break`)
	if info := ds.info(t, "q"); info.Rows != 4 {
		t.Errorf("rows %d after a refused file, want 4", info.Rows)
	}
}

// TestCLILearnRefusesBadFiles: each file is refused with a message naming the problem
// and its line, and nothing is learned.
func TestCLILearnRefusesBadFiles(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	ds.ok(t, "project", "create", "p")
	ds.ok(t, "learn", "-p", "p", writeFile(t, "good.csv", "a,b\n1,0\n2,1\n"))
	// 2,500 good rows in 3 messages before the bad one: nothing may be sent.
	var many strings.Builder
	many.WriteString("a,b\n")
	for i := range 2500 {
		fmt.Fprintf(&many, "%d,%d\n", i, i%2)
	}
	many.WriteString("12x,1\n")
	for _, tc := range []struct {
		name    string
		content string
		args    []string
		code    int
		want    []string
	}{
		{name: "empty file", content: "", code: 1, want: []string{"empty file: want a header row"}},
		{name: "no header", content: "1,2\n3,4\n", code: 1, want: []string{`:1: the first row "1,2" holds only numbers: it must be a header row`}},
		{name: "empty header name", content: "a,,c\n1,2,3\n", code: 1, want: []string{":1: column 2 of the header row has no name"}},
		{name: "repeated header name", content: "a,b,a\n1,2,3\n", code: 1, want: []string{`:1: column 3 of the header row repeats the name "a" of column 1`}},
		{name: "bad number", content: "a,b\n1,0\n2,x\n", args: []string{"--types", "C,C"}, code: 1, want: []string{`:3:2: column "b": "x" is not a number`}},
		{name: "bad number after full frames", content: many.String(), args: []string{"--types", "C,B"}, code: 1, want: []string{`:2502:1: column "a": "12x" is not a number`}},
		{name: "not binary", content: "a,b\n1,0\n2,2\n", args: []string{"--types", "C,B"}, code: 1, want: []string{`:3:2: column "b": "2" is not 0 or 1`}},
		{name: "empty cell", content: "a,b\n1,0\n,1\n", code: 1, want: []string{`:3:1: column "a": cell is empty`}},
		{name: "NaN", content: "a,b\n1,0\nNaN,1\n", args: []string{"--types", "C,B"}, code: 1, want: []string{`:3:1: column "a": "NaN" is not a finite number`}},
		{name: "short row", content: "a,b\n1,0\n2\n", code: 1, want: []string{":3: the row has a different number of fields than the header's 2"}},
		{name: "bad quote", content: "a,b\n1,\"0\n", code: 1, want: []string{":2: extraneous or missing \" in quoted-field"}},
		{name: "types count", content: "a,b\n1,0\n", args: []string{"--types", "C"}, code: 2, want: []string{"--types has 1 codes for the 2 columns"}},
		{name: "types code", content: "a,b\n1,0\n", args: []string{"--types", "C,Q"}, code: 2, want: []string{`--types: column 2 (b): "Q" is not one of C, B, T, X, S`}},
		{name: "unknown project", content: "a,b\n1,0\n", args: []string{"-p", "nope"}, code: 1, want: []string{"learn: project nope: BAD_REQUEST (400): cannot find project"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "f.csv", tc.content)
			args := append([]string{"learn", path, "--frame-rows", "1000"}, tc.args...)
			if !slices.Contains(tc.args, "-p") {
				args = append(args, "-p", "p")
			}
			r := ds.fails(t, tc.code, args, tc.want...)
			if tc.code == 1 && !strings.Contains(r.stderr, "nothing was learned") && tc.name != "unknown project" {
				t.Errorf("stderr does not say nothing was learned:\n%s", r.stderr)
			}
			if tc.code == 1 && tc.name != "unknown project" && !strings.Contains(r.stderr, path) {
				t.Errorf("stderr does not name the file:\n%s", r.stderr)
			}
		})
	}
	if info := ds.info(t, "p"); info.Rows != 2 {
		t.Errorf("project rows %d after refused files, want the 2 of the good one", info.Rows)
	}
	// forget refuses the same way, and then undoes exactly what learn did.
	ds.fails(t, 1, []string{"forget", "-p", "p", "--types", "C,C", writeFile(t, "f.csv", "a,b\n1,0\n2,x\n")}, "forget: nothing was forgot")
	ds.ok(t, "forget", "-p", "p", writeFile(t, "good.csv", "a,b\n1,0\n2,1\n"))
	if info := ds.info(t, "p"); info.Rows != 0 {
		t.Errorf("project rows %d after forgetting them, want 0", info.Rows)
	}
}

// TestCLILearnUndoesWhatTheServerApplied: a message the server refuses after earlier ones
// were applied (here: a category value that takes a frame past limits.max_columns, which
// the local check does not know) makes learn forget the earlier ones again.
func TestCLILearnUndoesWhatTheServerApplied(t *testing.T) {
	ds := startDevServer(t, "limits: {max_columns: 6}\n")
	ds.requireREST(t)
	ds.ok(t, "project", "create", "p")
	var b strings.Builder
	b.WriteString("x,k\n")
	for i := range 30 {
		fmt.Fprintf(&b, "%d,%s\n", i, []string{"a", "b", "c"}[i%3])
	}
	for i := range 10 { // the fourth frame holds 10 new values: 11 columns
		fmt.Fprintf(&b, "%d,v%d\n", i, i)
	}
	path := writeFile(t, "f.csv", b.String())
	ds.fails(t, 1, []string{"learn", "-p", "p", path, "--frame-rows", "10", "--window", "1"},
		"the server refused "+path+`:37: BAD_REQUEST (400): column "k": value "v5" expands the DataFrame to 7 columns`, "the 3 messages (30 rows) applied before were forgotten again, so the project's rows and statistics are as before, but it keeps the 4 attributes the file added, with zero statistics: x, k$a, k$b, k$c")
	if info := ds.info(t, "p"); info.Rows != 0 {
		t.Errorf("project rows %d after an undone learn, want 0", info.Rows)
	}
}

func TestCLITypesInferred(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	ds.ok(t, "project", "create", "p")
	path := writeFile(t, "t.csv", "bin,num,text,mixed,sci\n0,1.5,a,1,1e3\n1,-2,b,x, 2.5E-3 \n1,0,c,y,-0\n0,3,d,3,.5\n")
	out := ds.ok(t, "learn", "-p", "p", path)
	if !strings.HasSuffix(out, "; types B,C,T,T,C\n") {
		t.Errorf("learn: %q", out)
	}
	info := ds.info(t, "p")
	types := map[string]string{}
	for i, n := range info.AttributeNames {
		types[n] = info.AttributeTypes[i]
	}
	if types["bin"] != "B" || types["num"] != "C" || types["sci"] != "C" || types["text$a"] != "B" || types["mixed$x"] != "B" {
		t.Errorf("project attributes %v", types)
	}
}

// TestCLILearnMillionRows learns a generated 1,000,000-row file and checks the count.
func TestCLILearnMillionRows(t *testing.T) {
	ds := startDevServer(t, "")
	ds.requireREST(t)
	ds.ok(t, "project", "create", "big")
	path := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	b = append(b, "x,y,b\n"...)
	for i := range 1_000_000 {
		b = fmt.Appendf(b, "%d.%d,%d,%d\n", i%1000, i%7, i%13, i%2)
		if len(b) > 1<<20 {
			f.Write(b)
			b = b[:0]
		}
	}
	f.Write(b)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out := ds.ok(t, "learn", "-p", "big", path, "--frame-rows", "50000")
	t.Logf("%s(%v with the command's startup)", out, time.Since(start))
	if !strings.HasPrefix(out, "learned 1000000 rows into project big in 20 messages") || !strings.HasSuffix(out, "types C,C,B\n") {
		t.Errorf("learn: %q", out)
	}
	if info := ds.info(t, "big"); info.Rows != 1_000_000 {
		t.Errorf("project rows %d, want 1000000", info.Rows)
	}
}
