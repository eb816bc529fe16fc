package config

import (
	"bytes"
	"reflect"
	"testing"
)

func TestMaskedHidesEverySecret(t *testing.T) {
	c := Default()
	c.Customers = []Customer{
		{ID: "c1", Secrets: []string{testSecret, "AAECAwQFBgcICQoLDA0ODw=="}},
		{ID: "c2", Secrets: []string{"AAECAwQFBgcICQoLDA0ODxAREhM="}},
	}
	m := c.Masked()
	out := m.AppendYAML(nil)
	for _, cust := range c.Customers {
		for _, s := range cust.Secrets {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("masked dump shows secret %q:\n%s", s, out)
			}
		}
		if !bytes.Contains(out, []byte(`"`+cust.ID+`"`)) {
			t.Errorf("masked dump lacks customer %q", cust.ID)
		}
	}
	if n := bytes.Count(out, []byte(`"`+MaskedSecret+`"`)); n != 3 {
		t.Errorf("%d masked secrets in dump, want 3:\n%s", n, out)
	}
	if c.Customers[0].Secrets[0] != testSecret {
		t.Error("Masked changed the original configuration")
	}
}

// TestAppendYAMLLoadsBack checks that a dump is a configuration file that gives back the
// configuration it was made from.
func TestAppendYAMLLoadsBack(t *testing.T) {
	c := Default()
	c.Listen, c.PublicURL = "[::1]:0", "wss://api.example.com"
	c.DataDir = `/tmp/with "quotes" and \ backslash`
	c.Durability, c.DurabilityInterval = "interval", 1500e6
	c.Customers = []Customer{
		{ID: "c1", Secrets: []string{testSecret, "AAECAwQFBgcICQoLDA0ODw=="}},
		{ID: "c2", Secrets: []string{"AAECAwQFBgcICQoLDA0ODxAREhM="}},
	}
	c.Auth.AllowSHA1, c.Auth.LegacyFraming = true, false
	c.Limits.MaxFrameBytes, c.Limits.MaxMessageBytes, c.Limits.MaxUnverifiedBytes = 1000, 3<<30, 7<<30
	c.Limits.MaxInflightBytesPerCustomer, c.Limits.MaxInflightBytes = 3<<30, 8<<30
	c.Limits.AuthTimeout = 2500e6
	c.Log = Log{Level: "debug", Format: "text"}
	c.Testing.EchoEndpoint = true
	out := c.AppendYAML(nil)
	got := mustLoad(t, LoadOptions{File: writeFile(t, string(out))})
	if !reflect.DeepEqual(got, c) {
		t.Errorf("dump:\n%s\nloads back as:\n%s", out, got.AppendYAML(nil))
	}
}
