package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDidYouMean(t *testing.T) {
	known := []string{"durability", "durability_interval", "data_dir", "limits.max_rows", "limits.max_columns", "listen"}
	for name, want := range map[string]string{
		"durabilty":        "; did you mean durability?",
		"Durability":       "; did you mean durability?",
		"limits.max_rowz":  "; did you mean limits.max_rows?",
		"lsiten":           "; did you mean listen?",
		"data-dir":         "; did you mean data_dir?",
		"completely_wrong": "",
		"x":                "",
	} {
		if got := didYouMean(name, known); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestUnknownKeysSuggestTheNearest: in the file, in a customers entry and in the
// environment.
func TestUnknownKeysSuggestTheNearest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("durabilty: always\nlimits: {max_rowz: 5}\ncustomers: [{id: a, secret: [x]}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SYMSCORE_DURABILTY", "none")
	_, err := Load(LoadOptions{File: path})
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("Load: %v", err)
	}
	for _, want := range []string{
		"durabilty: unknown key; did you mean durability?",
		"limits.max_rowz: unknown key; did you mean limits.max_rows?",
		"customers[0].secret: unknown key; did you mean secrets?",
		"SYMSCORE_DURABILTY: unknown configuration variable (no such key); did you mean SYMSCORE_DURABILITY?",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%s", want, err)
		}
	}
}

// TestDefaultYAMLCommentsEveryKey: each key of the default file has a comment on its
// line or on the line above.
func TestDefaultYAMLCommentsEveryKey(t *testing.T) {
	lines := strings.Split(string(DefaultYAML()), "\n")
	for _, k := range keys {
		leaf := k.Name[strings.LastIndex(k.Name, ".")+1:]
		found := false
		for i, l := range lines {
			if !strings.HasPrefix(strings.TrimSpace(l), leaf+":") {
				continue
			}
			found = true
			if !strings.Contains(l, "#") && (i == 0 || !strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#")) {
				t.Errorf("key %s has no comment in the default configuration: %q", k.Name, l)
			}
		}
		if !found {
			t.Errorf("key %s is not in the default configuration", k.Name)
		}
	}
}

// TestClientVariablesAreNotConfiguration: a shell set up for the client commands
// (SYMSCORE_URL, SYMSCORE_CID, SYMSCORE_SECRET) can run serve and config check.
func TestClientVariablesAreNotConfiguration(t *testing.T) {
	for _, v := range ClientVariables {
		t.Setenv(v, "x")
	}
	if _, err := Load(LoadOptions{}); err != nil {
		t.Errorf("Load with the client variables set: %v", err)
	}
}
