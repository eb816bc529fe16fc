package config

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func devConfig(dataDir string) *Config {
	c := Default()
	c.DataDir = dataDir
	return &c
}

func TestEnsureDevCustomerCreatesOnceThenReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // does not exist yet
	cfg := devConfig(dir)
	created, cust, err := EnsureDevCustomer(cfg)
	if err != nil || !created {
		t.Fatalf("first call: created %v, err %v", created, err)
	}
	if cust.ID != DevCustomerID || len(cust.Secrets) != 1 {
		t.Fatalf("customer = %+v", cust)
	}
	if key, err := base64.StdEncoding.DecodeString(cust.Secrets[0]); err != nil || len(key) != MinSecretBytes {
		t.Fatalf("secret %q decodes to %d bytes, %v", cust.Secrets[0], len(key), err)
	}
	if len(cfg.Customers) != 1 || cfg.Customers[0].Secrets[0] != cust.Secrets[0] {
		t.Errorf("cfg.Customers = %+v, want the development customer", cfg.Customers)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("configuration with the development customer: %v", err)
	}
	st, err := os.Stat(DevCustomerPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("data_dir holds %d entries, want only %s", len(entries), DevCustomerFile)
	}

	created, again, err := EnsureDevCustomer(devConfig(dir))
	if err != nil || created {
		t.Fatalf("second call: created %v, err %v", created, err)
	}
	if again.ID != cust.ID || again.Secrets[0] != cust.Secrets[0] {
		t.Errorf("second call returned %+v, want %+v", again, cust)
	}
}

func TestEnsureDevCustomerLeavesConfiguredCustomers(t *testing.T) {
	dir := t.TempDir()
	cfg := devConfig(dir)
	cfg.Customers = []Customer{{ID: "c1", Secrets: []string{testSecret}}}
	created, cust, err := EnsureDevCustomer(cfg)
	if err != nil || created || cust.ID != "" || len(cfg.Customers) != 1 {
		t.Errorf("got %v %+v %v, customers %+v", created, cust, err, cfg.Customers)
	}
	if _, err := os.Stat(DevCustomerPath(dir)); !os.IsNotExist(err) {
		t.Errorf("development customer file written although customers are configured: %v", err)
	}
}

func TestEnsureDevCustomerConcurrentStartsAgree(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	secrets := make([]string, n)
	created := make([]bool, n)
	for i := range n {
		wg.Go(func() {
			c, cust, err := EnsureDevCustomer(devConfig(dir))
			if err != nil {
				t.Error(err)
				return
			}
			created[i], secrets[i] = c, cust.Secrets[0]
		})
	}
	wg.Wait()
	nCreated := 0
	for i := range n {
		if created[i] {
			nCreated++
		}
		if secrets[i] != secrets[0] {
			t.Errorf("start %d got secret %q, start 0 got %q", i, secrets[i], secrets[0])
		}
	}
	if nCreated != 1 {
		t.Errorf("%d starts report creating the customer, want 1", nCreated)
	}
}

func TestEnsureDevCustomerRefusesBadFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		mode    os.FileMode
	}{
		{"readable by others", `{"id":"dev","secret":"` + testSecret + `"}`, 0o644},
		{"not JSON", `dev:` + testSecret, 0o600},
		{"short secret", `{"id":"dev","secret":"QUFBQQ=="}`, 0o600},
		{"bad id", `{"id":"a/b","secret":"` + testSecret + `"}`, 0o600},
		{"unknown field", `{"id":"dev","secret":"` + testSecret + `","x":1}`, 0o600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := DevCustomerPath(dir)
			if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil { // umask may have narrowed it
				t.Fatal(err)
			}
			cfg := devConfig(dir)
			if _, _, err := EnsureDevCustomer(cfg); err == nil {
				t.Errorf("file %q accepted", tc.content)
			}
			if len(cfg.Customers) != 0 {
				t.Errorf("customers added: %+v", cfg.Customers)
			}
		})
	}
}

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if msg := checkSecret(a); msg != "" {
		t.Errorf("NewSecret() = %q: %s", a, msg)
	}
	if key, _ := base64.StdEncoding.DecodeString(a); len(key) != 16 {
		t.Errorf("NewSecret() decodes to %d bytes", len(key))
	}
	if a == b {
		t.Errorf("two calls returned the same secret %q", a)
	}
}
