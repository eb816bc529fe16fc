package dataframe

import (
	"fmt"
	"strings"
	"testing"
)

func TestNameTableTruncate(t *testing.T) {
	var nt nameTable
	nt.reset(2)
	add := func(s string) (int, bool) {
		start := len(nt.arena)
		nt.arena = append(nt.arena, s...)
		return nt.addPending(start, 0)
	}
	for i := 0; i < 100; i++ {
		if _, added := add(fmt.Sprint("n", i)); !added {
			t.Fatalf("n%d reported present", i)
		}
	}
	if i, added := add("n42"); added || i != 42 {
		t.Fatalf("n42: %d %v", i, added)
	}
	nt.truncate(50)
	for i := 0; i < 100; i++ {
		got := nt.find([]byte(fmt.Sprint("n", i)))
		if (i < 50) != (got == i) || (i >= 50 && got != -1) {
			t.Fatalf("after truncate find(n%d) = %d", i, got)
		}
	}
	if i, added := add("n77"); !added || i != 50 {
		t.Fatalf("re-add n77: %d %v", i, added)
	}
}

func TestAppendLowerTrimmed(t *testing.T) {
	for in, want := range map[string]string{
		"  Setosa ": "setosa",
		"ÉTÉ":       "été",
		"MiXeD-1\t": "mixed-1",
		"\xffA":     "\xffa",
		"":          "",
	} {
		if got := string(appendLowerTrimmed(nil, []byte(in))); got != want {
			t.Errorf("appendLowerTrimmed(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLongTNameCostsOncePerValue: a T column whose name is 1 MiB (Options.MaxNameBytes
// raised past it, beyond what limits.max_name_bytes allows: the cost must not depend on
// the name either way), over 3000 rows of 3 values, hashes and copies that name once per
// value, never once per cell: what the name table hashes stays within a few times name ×
// values, whatever the number of rows.
func TestLongTNameCostsOncePerValue(t *testing.T) {
	name := strings.Repeat("n", 1<<20)
	var b strings.Builder
	b.WriteString(`{"attributeNames":["x","` + name + `"],"attributeTypes":["C","T"],"data":[`)
	for i := range 3000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["%d","V%d"]`, i, i%3)
	}
	b.WriteString(`]}`)
	for _, fast := range []bool{true, false} {
		var p Parser
		var f *Frame
		var err error
		if fast {
			f, err = p.Parse([]byte(b.String()), Options{MaxNameBytes: 2 << 20})
		} else {
			f, err = p.parseReference([]byte(b.String()), Options{MaxNameBytes: 2 << 20})
		}
		if err != nil {
			t.Fatal(err)
		}
		if f.Rows != 3000 || len(f.Names) != 4 || string(f.Names[3]) != name+"$v2" {
			t.Fatalf("fast %v: %d rows, %d columns", fast, f.Rows, len(f.Names))
		}
		// The attribute names (twice: its entry, and the header check), then one name per
		// value; the per-cell lookups hash only the value.
		if limit := 8 * len(name); p.names.hashed > limit {
			t.Fatalf("fast %v: %d bytes hashed for a %d-byte name (limit %d)", fast, p.names.hashed, len(name), limit)
		}
	}
}
