package ident

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostile lists inputs every check refuses, with the sentinel and a part of the reason.
var hostile = []struct {
	name, in string
	err      error
	reason   string
}{
	{"empty", "", ErrInvalid, "is empty"},
	{"NUL", "a\x00b", ErrInvalid, "a NUL (U+0000) at byte 1"},
	{"newline", "a\nb", ErrInvalid, "a line break (U+000A) at byte 1"},
	{"carriage return", "a\r", ErrInvalid, "a line break (U+000D)"},
	{"tab", "\ta", ErrInvalid, "a tab (U+0009) at byte 0"},
	{"escape", "a\x1b[31m", ErrInvalid, "a control character (U+001B)"},
	{"DEL", "a\x7f", ErrInvalid, "a control character (U+007F)"},
	{"C1 NEL", "a\u0085b", ErrInvalid, "a line break (U+0085)"},
	{"C1 CSI", "a\u009b", ErrInvalid, "a control character (U+009B)"},
	{"line separator", "a\u2028b", ErrInvalid, "a line break (U+2028)"},
	{"paragraph separator", "a\u2029", ErrInvalid, "a line break (U+2029)"},
	{"LRE", "\u202aab", ErrInvalid, "a bidirectional control (U+202A)"},
	{"RLO", "model\u202egpj.exe", ErrInvalid, "a bidirectional control (U+202E) at byte 5"},
	{"LRI", "a\u2066", ErrInvalid, "a bidirectional control (U+2066)"},
	{"PDI", "a\u2069", ErrInvalid, "a bidirectional control (U+2069)"},
	{"replacement character", "a\ufffd", ErrInvalid, "the replacement character (U+FFFD)"},
	{"invalid UTF-8", "a\xffb", ErrInvalid, "not valid UTF-8 (byte 1 is 0xff)"},
	{"truncated UTF-8", "ab\xe2\x80", ErrInvalid, "not valid UTF-8 (byte 2"},
	{"overlong slash", "a\xc0\xafb", ErrInvalid, "not valid UTF-8"},
	{"overlong NUL", "a\xc0\x80", ErrInvalid, "not valid UTF-8"},
	{"encoded surrogate", "a\xed\xa0\x80", ErrInvalid, "not valid UTF-8"},
	{"past U+10FFFF", "a\xf4\x90\x80\x80", ErrInvalid, "not valid UTF-8"},
	{"lone high surrogate escape", `a\ud800`, ErrInvalid, `lone surrogate escape (\ud800) at byte 1`},
	{"lone low surrogate escape", `\uDC00x`, ErrInvalid, `lone surrogate escape (\uDC00) at byte 0`},
	{"surrogate pair as text", `\ud83d\ude00`, ErrInvalid, "lone surrogate escape"},
	{"too long", strings.Repeat("a", DefaultMaxBytes+1), ErrTooLong, "is 257 bytes long; the limit is 256"},
	{"too long multibyte", strings.Repeat("é", DefaultMaxBytes/2+1), ErrTooLong, "is 258 bytes long"},
}

// idOnly lists names that are valid names but not valid ids.
var idOnly = []struct {
	name, in string
	reason   string
}{
	{"space", "my project", "a space (U+0020) at byte 2"},
	{"leading space", " p", "a space (U+0020) at byte 0"},
	{"no-break space", "a\u00a0b", "a space character (U+00A0)"},
	{"ideographic space", "a\u3000b", "a space character (U+3000)"},
	{"slash", "a/b", "a '/' (U+002F) at byte 1"},
	{"dot", ".", "relative path segment"},
	{"dot dot", "..", "relative path segment"},
	{"zero-width space", "a\u200bb", "the non-printable character (U+200B)"},
	{"byte order mark", "\ufeffa", "the non-printable character (U+FEFF)"},
	{"soft hyphen", "a\u00adb", "the non-printable character (U+00AD)"},
}

// valid lists inputs every check accepts.
var valid = []string{
	"a", "sepal_length", "Iris_setosa", "species$setosa", "x.y", "a-b_c~d", "...", ".a", "a.",
	"café", "日本語", "😀", "k$ü", `back\slash`, `\u0041`, `\ud7ff`, `\ue000`, `\ud8`, `\ud80`, `\uDZ00`,
	"a\u200db", // ZWJ is a format character: allowed in names, refused in ids (see below)
	strings.Repeat("a", DefaultMaxBytes), strings.Repeat("€", DefaultMaxBytes/3),
}

func TestCheckNameRefusesHostileInput(t *testing.T) {
	for _, tc := range hostile {
		for _, check := range []struct {
			kind string
			fn   func(string) error
		}{
			{"name", func(s string) error { return CheckName(s, 0) }},
			{"name bytes", func(s string) error { return CheckName([]byte(s), 0) }},
			{"id", func(s string) error { return CheckID(s, 0) }},
			{"id bytes", func(s string) error { return CheckID([]byte(s), 0) }},
		} {
			err := check.fn(tc.in)
			var e *Error
			switch {
			case !errors.As(err, &e):
				t.Errorf("%s %s %q: error %v, want an *Error", check.kind, tc.name, tc.in, err)
			case !errors.Is(err, tc.err):
				t.Errorf("%s %s: %v does not wrap %v", check.kind, tc.name, err, tc.err)
			case !strings.Contains(e.Reason, tc.reason):
				t.Errorf("%s %s: reason %q, want it to contain %q", check.kind, tc.name, e.Reason, tc.reason)
			}
		}
	}
}

func TestCheckIDRefusesWhatURLsAndExtraKeysCannotCarry(t *testing.T) {
	for _, tc := range idOnly {
		if err := CheckName(tc.in, 0); err != nil && !strings.Contains(tc.name, "dot") {
			t.Errorf("name %s %q refused: %v", tc.name, tc.in, err)
		}
		err := CheckID(tc.in, 0)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("id %s %q: %v, want ErrInvalid with %q", tc.name, tc.in, err, tc.reason)
		}
	}
	if err := CheckID("a\u200db", 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("id with a zero-width joiner: %v, want ErrInvalid", err)
	}
}

func TestCheckAcceptsValidNames(t *testing.T) {
	for _, in := range valid {
		if err := CheckName(in, 0); err != nil {
			t.Errorf("name %q: %v", in, err)
		}
		if err := CheckName([]byte(in), 0); err != nil {
			t.Errorf("name bytes %q: %v", in, err)
		}
		if in == "a\u200db" {
			continue
		}
		if err := CheckID(in, 0); err != nil {
			t.Errorf("id %q: %v", in, err)
		}
	}
}

func TestCheckLengthLimit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want error
	}{
		{"abcd", 4, nil},
		{"abcde", 4, ErrTooLong},
		{"éé", 4, nil},
		{"ééé", 5, ErrTooLong},
		{strings.Repeat("x", 1000), 1000, nil},
		{strings.Repeat("x", 1001), 1000, ErrTooLong},
		{strings.Repeat("x", DefaultMaxBytes+1), -1, ErrTooLong},
	} {
		if err := CheckName(tc.in, tc.max); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("CheckName(%d bytes, %d) = %v, want %v", len(tc.in), tc.max, err, tc.want)
		}
		if err := CheckID(tc.in, tc.max); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("CheckID(%d bytes, %d) = %v, want %v", len(tc.in), tc.max, err, tc.want)
		}
	}
}

// TestCheckAllocatesNothing: accepting a name costs no allocation, from a string or bytes.
func TestCheckAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	s := "sepal_length$Iris-virginica_é😀"
	b := []byte(s)
	if n := testing.AllocsPerRun(100, func() {
		if CheckName(b, 0) != nil || CheckID(s, 0) != nil || CheckName(s, 0) != nil {
			t.Fatal("refused")
		}
	}); n != 0 {
		t.Fatalf("%v allocations per check", n)
	}
}

// reference is the rule written plainly, with the standard library's decoder.
func reference(s string, max int, id bool) error {
	if max <= 0 {
		max = DefaultMaxBytes
	}
	switch {
	case s == "":
		return ErrInvalid
	case len(s) > max:
		return ErrTooLong
	case !utf8.ValidString(s):
		return ErrInvalid
	case id && (s == "." || s == ".." || strings.ContainsRune(s, '/')):
		return ErrInvalid
	}
	for i, r := range s {
		switch {
		case r < 0x20 || r >= 0x7f && r <= 0x9f, r == 0x2028, r == 0x2029, r >= 0x202a && r <= 0x202e,
			r >= 0x2066 && r <= 0x2069, r == 0xfffd:
			return ErrInvalid
		case id && (unicode.IsSpace(r) || !unicode.IsPrint(r)):
			return ErrInvalid
		case r == '\\' && len(s)-i >= 6 && s[i+1] == 'u':
			hex := strings.ToLower(s[i+2 : i+6])
			if hex >= "d800" && hex <= "dfff" && strings.Trim(hex, "0123456789abcdef") == "" {
				return ErrInvalid
			}
		}
	}
	return nil
}

func FuzzCheck(f *testing.F) {
	for _, tc := range hostile {
		f.Add(tc.in, uint16(0))
	}
	for _, tc := range idOnly {
		f.Add(tc.in, uint16(8))
	}
	for _, in := range valid {
		f.Add(in, uint16(300))
	}
	f.Fuzz(func(t *testing.T, s string, max uint16) {
		m := int(max % 512)
		for _, id := range []bool{false, true} {
			got, gotBytes := check(s, m, id), check([]byte(s), m, id)
			want := reference(s, m, id)
			if !errors.Is(got, want) || (want == nil) != (got == nil) || (got == nil) != (gotBytes == nil) {
				t.Fatalf("check(%q, %d, id %v) = %v (bytes: %v), reference %v", s, m, id, got, gotBytes, want)
			}
		}
		for i := 0; i < len(s); {
			r, n := decodeRune(s, i)
			wr, wn := utf8.DecodeRuneInString(s[i:])
			if r != wr || n != wn {
				t.Fatalf("decodeRune(%q, %d) = %U %d, utf8 says %U %d", s, i, r, n, wr, wn)
			}
			i += n
		}
	})
}
