package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestValidateOneProblem changes one thing in a valid configuration and checks the one
// problem it causes.
func TestValidateOneProblem(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Config)
		key    string
		msg    string
	}{
		{"listen no port", func(c *Config) { c.Listen = "127.0.0.1" }, "listen", "missing port"},
		{"listen bad port", func(c *Config) { c.Listen = "127.0.0.1:http" }, "listen", `port "http" is not a number`},
		{"listen port too big", func(c *Config) { c.Listen = "127.0.0.1:65536" }, "listen", "from 0 to 65535"},
		{"listen bad host", func(c *Config) { c.Listen = "a_b:80" }, "listen", "neither an IP address nor a host name"},
		{"admin bad", func(c *Config) { c.AdminListen = "::1:80" }, "admin_listen", "is not host:port"},
		{"same listeners", func(c *Config) { c.AdminListen = c.Listen }, "admin_listen", "must differ from listen"},
		{"public url scheme", func(c *Config) { c.PublicURL = "https://x.example" }, "public_url", "ws:// or wss://"},
		{"public url path", func(c *Config) { c.PublicURL = "wss://x.example/api" }, "public_url", "scheme and a host only"},
		{"public url no host", func(c *Config) { c.PublicURL = "wss:///" }, "public_url", "has no host"},
		{"tls cert without key", func(c *Config) { c.TLS.CertFile = "cert.pem" }, "tls.key_file", "must be set with tls.cert_file"},
		{"tls key without cert", func(c *Config) { c.TLS.KeyFile = "key.pem" }, "tls.cert_file", "must be set with tls.key_file"},
		{"unverified budget below two messages", func(c *Config) { c.Limits.MaxUnverifiedBytes = 100 << 20 }, "limits.max_unverified_bytes", "at least twice limits.max_message_bytes"},
		{"durability", func(c *Config) { c.Durability = "sometimes" }, "durability", "must be always, interval or none"},
		{"durability interval", func(c *Config) { c.DurabilityInterval = -1 }, "durability_interval", "must be > 0"},
		{"clock skew", func(c *Config) { c.Auth.ClockSkewFuture = -1 }, "auth.clock_skew_future", "must be > 0"},
		{"replay capacity", func(c *Config) { c.Auth.ReplayCapacity = -5 }, "auth.replay_capacity", "must be > 0"},
		{"max rows", func(c *Config) { c.Limits.MaxRows = -1 }, "limits.max_rows", "must be > 0"},
		{"unauthenticated over connections", func(c *Config) { c.Limits.MaxUnauthenticatedConnections = c.Limits.MaxConnections + 1 },
			"limits.max_unauthenticated_connections", "must not exceed limits.max_connections (100001 > 100000)"},
		{"unauthenticated negative", func(c *Config) { c.Limits.MaxUnauthenticatedConnections = -1 }, "limits.max_unauthenticated_connections", "must be > 0"},
		{"name bytes negative", func(c *Config) { c.Limits.MaxNameBytes = -1 }, "limits.max_name_bytes", "must be > 0"},
		{"name bytes huge", func(c *Config) { c.Limits.MaxNameBytes = 1 << 20 }, "limits.max_name_bytes", "must be at most 65536"},
		{"customer bytes below a project", func(c *Config) { c.Limits.MaxCustomerBytes = 512 << 20 },
			"limits.max_customer_bytes", "must be at least limits.max_project_bytes (512MiB < 1GiB)"},
		{"explore work negative", func(c *Config) { c.Limits.MaxExploreWork = -1 }, "limits.max_explore_work", "must be > 0"},
		{"subscriptions negative", func(c *Config) { c.Limits.MaxSubscriptions = -1 }, "limits.max_subscriptions", "must be > 0"},
		{"subscribe interval short", func(c *Config) { c.Subscribe.Interval = 500 * time.Microsecond }, "subscribe.interval", "must be at least 1ms"},
		{"subscribe interval negative", func(c *Config) { c.Subscribe.Interval = -time.Second }, "subscribe.interval", "must be at least 1ms"},
		{"idle timeout", func(c *Config) { c.Limits.IdleTimeout = -1 }, "limits.idle_timeout", "must be > 0"},
		{"frame over message", func(c *Config) { c.Limits.MaxFrameBytes = 2 << 20; c.Limits.MaxMessageBytes = 1 << 20 },
			"limits.max_frame_bytes", "must not exceed limits.max_message_bytes (2MiB > 1MiB)"},
		{"log level", func(c *Config) { c.Log.Level = "loud" }, "log.level", "must be debug, info, warn or error"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format", "must be json or text"},
		{"empty customer id", func(c *Config) { c.Customers[0].ID = "" }, "customers[0].id", "must not be empty"},
		{"slash in customer id", func(c *Config) { c.Customers[0].ID = "a/b" }, "customers[0].id", "use only letters, digits and -._~"},
		{"dot-dot customer id", func(c *Config) { c.Customers[0].ID = ".." }, "customers[0].id", "not a usable path segment"},
		{"long customer id", func(c *Config) { c.Customers[0].ID = strings.Repeat("a", 129) }, "customers[0].id", "at most 128 bytes"},
		{"duplicate customer id", func(c *Config) { c.Customers[1].ID = "c1" }, "customers[1].id", `"c1" is also customers[0].id`},
		{"no secrets", func(c *Config) { c.Customers[1].Secrets = nil }, "customers[1].secrets", "at least one secret"},
		{"secret not base64", func(c *Config) { c.Customers[1].Secrets[1] = "A1ciUrDJgm5LIJU710bxeQ=!" }, "customers[1].secrets[1]", "not valid Base64"},
		{"secret unpadded", func(c *Config) { c.Customers[1].Secrets[1] = "A1ciUrDJgm5LIJU710bxeQ" }, "customers[1].secrets[1]", "not valid Base64"},
		{"secret with newline", func(c *Config) { c.Customers[1].Secrets[1] = "A1ciUrDJgm5LIJU7\n10bxeQ==" }, "customers[1].secrets[1]", "not valid Base64"},
		{"secret url alphabet", func(c *Config) { c.Customers[1].Secrets[1] = "-_____________________w==" }, "customers[1].secrets[1]", "not valid Base64"},
		{"secret too short", func(c *Config) { c.Customers[1].Secrets[1] = "AAECAwQFBgcICQoLDA0O" }, "customers[1].secrets[1]", "decodes to 15 bytes; at least 16"},
		{"secret empty", func(c *Config) { c.Customers[0].Secrets[0] = "" }, "customers[0].secrets[0]", "decodes to 0 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			c.Customers = []Customer{
				{ID: "c1", Secrets: []string{testSecret}},
				{ID: "c2", Secrets: []string{testSecret, "AAECAwQFBgcICQoLDA0ODw=="}},
			}
			if err := c.Validate(); err != nil {
				t.Fatalf("valid configuration refused: %v", err)
			}
			tc.change(&c)
			wantProblems(t, c.Validate(), map[string]string{tc.key: tc.msg})
		})
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	c := Default()
	c.Durability = "maybe"
	c.Limits.MaxRows = -1
	c.Limits.MaxColumns = -1
	c.Log.Format = "xml"
	c.Customers = []Customer{{ID: "", Secrets: []string{"AAAA", "%%%%"}}}
	err := c.Validate()
	wantProblems(t, err, map[string]string{
		"durability":              "must be always, interval or none",
		"limits.max_rows":         "must be > 0",
		"limits.max_columns":      "must be > 0",
		"log.format":              "must be json or text",
		"customers[0].id":         "must not be empty",
		"customers[0].secrets[0]": "decodes to 3 bytes",
		"customers[0].secrets[1]": "not valid Base64",
	})
	if got := err.Error(); !strings.Contains(got, "limits.max_rows: must be > 0\n") ||
		!strings.Contains(got, "customers[0].secrets[1]: not valid Base64") {
		t.Errorf("Error() = %q: want one \"key: message\" per line", got)
	}
}

func TestValidatePortZeroListenersMayCoincide(t *testing.T) {
	c := Default()
	c.Listen, c.AdminListen = "127.0.0.1:0", "127.0.0.1:0"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}
