package config

import "testing"

// FuzzParseSize: ParseSize never panics, accepts only non-negative sizes, and what it
// accepts survives FormatSize → ParseSize unchanged.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"0", "4096", "16MiB", "512 KiB", "3TiB", "1B", "-1", "1.5MiB", "16MB", "", "9223372036854775807", "8388608TiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
		back, err := ParseSize(FormatSize(n))
		if err != nil || back != n {
			t.Fatalf("ParseSize(FormatSize(%d)) = %d, %v", n, back, err)
		}
	})
}
