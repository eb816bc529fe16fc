package dataframe

import (
	"fmt"
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
