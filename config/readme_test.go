package config

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEDocumentsEveryKey keeps the configuration reference in README.md complete:
// every key with its environment variable.
func TestREADMEDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, k := range keys {
		row := "| `" + k.Name + "` |"
		i := strings.Index(readme, row)
		if i < 0 {
			t.Errorf("README.md has no row for %s", k.Name)
			continue
		}
		line, _, _ := strings.Cut(readme[i:], "\n")
		want := "file only"
		if k.Env != "" {
			want = "`" + k.Env + "`"
		}
		if !strings.Contains(line, want) {
			t.Errorf("README.md row of %s lacks %s: %s", k.Name, want, line)
		}
	}
}
