package config

import (
	"bytes"
	"errors"
	"io/fs"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

func TestEmbeddedDefaultIsDefault(t *testing.T) {
	got := mustLoad(t, LoadOptions{})
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("embedded default config:\n%s\nDefault():\n%s", got.AppendYAML(nil), want.AppendYAML(nil))
	}
}

func TestEmbeddedDefaultListsEveryKey(t *testing.T) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(DefaultYAML())); err != nil {
		t.Fatal(err)
	}
	all := v.AllKeys()
	for _, k := range keys {
		if !slices.Contains(all, k.Name) {
			t.Errorf("default.yaml does not list %s", k.Name)
		}
	}
}

func TestEmptyFileIsDefault(t *testing.T) {
	got := mustLoad(t, LoadOptions{File: writeFile(t, "")})
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("empty file:\n%s\nwant:\n%s", got.AppendYAML(nil), want.AppendYAML(nil))
	}
}

func TestLegacyFramingOnUnlessSwitchedOff(t *testing.T) {
	if c := mustLoad(t, LoadOptions{File: writeFile(t, "auth: {allow_sha1: true}\n")}); !c.Auth.LegacyFraming {
		t.Error("legacy_framing off although no source set it")
	}
	if c := mustLoad(t, LoadOptions{File: writeFile(t, "auth: {legacy_framing: false}\n")}); c.Auth.LegacyFraming {
		t.Error("legacy_framing: false in the file left it on")
	}
	t.Setenv("SYMSCORE_AUTH_LEGACY_FRAMING", "false")
	if c := mustLoad(t, LoadOptions{}); c.Auth.LegacyFraming {
		t.Error("SYMSCORE_AUTH_LEGACY_FRAMING=false left it on")
	}
}

func TestReplayPredictOnUnlessSwitchedOff(t *testing.T) {
	if c := mustLoad(t, LoadOptions{File: writeFile(t, "auth: {allow_sha1: true}\n")}); !c.Auth.ReplayPredict {
		t.Error("replay_predict off although no source set it")
	}
	if c := mustLoad(t, LoadOptions{File: writeFile(t, "auth: {replay_predict: false}\n")}); c.Auth.ReplayPredict {
		t.Error("replay_predict: false in the file left it on")
	}
	t.Setenv("SYMSCORE_AUTH_REPLAY_PREDICT", "false")
	if c := mustLoad(t, LoadOptions{}); c.Auth.ReplayPredict {
		t.Error("SYMSCORE_AUTH_REPLAY_PREDICT=false left it on")
	}
}

// TestHardeningLimitsLoad: the limits of names, customer bytes, explore work and
// unauthenticated connections load from the file and the environment, sizes with units.
func TestHardeningLimitsLoad(t *testing.T) {
	t.Setenv("SYMSCORE_LIMITS_MAX_EXPLORE_WORK", "1000000")
	c := mustLoad(t, LoadOptions{File: writeFile(t, `
limits: {max_name_bytes: 1024, max_customer_bytes: "8GiB", max_unauthenticated_connections: 100}
`)})
	l := c.Limits
	if l.MaxNameBytes != 1024 || l.MaxCustomerBytes != 8<<30 || l.MaxExploreWork != 1000000 || l.MaxUnauthenticatedConnections != 100 {
		t.Fatalf("limits %+v", l)
	}
}

// TestByteBudgetsLoad: the unverified and in-flight byte budgets and auth_timeout load from
// the file and the environment; the defaults of the per-connection, per-address and
// per-customer budgets follow a larger limits.max_message_bytes, so that one message of
// the largest size always fits.
func TestByteBudgetsLoad(t *testing.T) {
	t.Setenv("SYMSCORE_LIMITS_AUTH_TIMEOUT", "3s")
	c := mustLoad(t, LoadOptions{File: writeFile(t, `
limits: {max_unverified_bytes_per_address: "8MiB", max_unverified_bytes_per_connection: "1MiB", max_inflight_bytes: "2GiB", max_inflight_bytes_per_customer: "512MiB"}
`)})
	l := c.Limits
	if l.AuthTimeout != 3*time.Second || l.MaxUnverifiedBytesPerAddress != 8<<20 || l.MaxUnverifiedBytesPerConnection != 1<<20 ||
		l.MaxInflightBytes != 2<<30 || l.MaxInflightBytesPerCustomer != 512<<20 {
		t.Fatalf("limits %+v", l)
	}
	c = mustLoad(t, LoadOptions{File: writeFile(t, `
limits: {max_frame_bytes: "100MiB", max_message_bytes: "300MiB", max_unverified_bytes: "1GiB"}
`)})
	l = c.Limits
	if l.MaxUnverifiedBytesPerConnection != 300<<20 || l.MaxUnverifiedBytesPerAddress != 300<<20 ||
		l.MaxInflightBytesPerCustomer != 300<<20 || l.MaxInflightBytes != DefaultMaxInflightBytes {
		t.Fatalf("defaults do not follow max_message_bytes: %+v", l)
	}
	c = mustLoad(t, LoadOptions{})
	if l := c.Limits; l.MaxUnverifiedBytesPerConnection != DefaultMaxMessageBytes || l.MaxUnverifiedBytesPerAddress != DefaultMaxUnverifiedBytesPerAddress ||
		l.MaxInflightBytesPerCustomer != DefaultMaxInflightBytesPerCustomer {
		t.Fatalf("defaults %+v", l)
	}
}

func TestFileValues(t *testing.T) {
	c := mustLoad(t, LoadOptions{File: writeFile(t, `
listen: "0.0.0.0:8443"
admin_listen: "[::1]:9443"
public_url: "wss://api.example.com"
data_dir: /var/lib/symscore
durability: none
customers:
  - id: c1
    secrets: ["`+testSecret+`", "AAECAwQFBgcICQoLDA0ODxAREhM="]
  - id: team-2.prod_x~
    secrets: ["`+testSecret+`"]
auth: {allow_sha1: true, signed_frames_only: true, replay_capacity: 10}
limits: {max_rows: 5, max_columns: 6, max_connections: 7, max_inflight: 8}
log: {level: debug, format: text}
testing: {echo_endpoint: true}
`)})
	want := Default()
	want.Listen, want.AdminListen, want.PublicURL = "0.0.0.0:8443", "[::1]:9443", "wss://api.example.com"
	want.DataDir, want.Durability = "/var/lib/symscore", "none"
	want.Customers = []Customer{
		{ID: "c1", Secrets: []string{testSecret, "AAECAwQFBgcICQoLDA0ODxAREhM="}},
		{ID: "team-2.prod_x~", Secrets: []string{testSecret}},
	}
	want.Auth.AllowSHA1, want.Auth.SignedFramesOnly, want.Auth.ReplayCapacity = true, true, 10
	want.Limits.MaxRows, want.Limits.MaxColumns, want.Limits.MaxConnections, want.Limits.MaxInflight = 5, 6, 7, 8
	want.Limits.MaxUnauthenticatedConnections = 3 // its default gives way to half of max_connections
	want.Limits.MaxUnauthenticatedConnectionsPerAddress = 1
	want.Log = Log{Level: "debug", Format: "text"}
	want.Testing.EchoEndpoint = true
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got:\n%s\nwant:\n%s", c.AppendYAML(nil), want.AppendYAML(nil))
	}
}

func TestUnknownKeyInFile(t *testing.T) {
	_, err := Load(LoadOptions{File: writeFile(t, `
listen: "127.0.0.1:1"
lsiten: "127.0.0.1:2"
limits:
  max_rowz: 4
customers:
  - id: c1
    secrets: ["`+testSecret+`"]
    secret: "x"
`)})
	wantProblems(t, err, map[string]string{
		"lsiten":              "unknown key",
		"limits.max_rowz":     "unknown key",
		"customers[0].secret": "unknown key",
	})
}

func TestUnknownEnvironmentVariable(t *testing.T) {
	t.Setenv("SYMSCORE_LIMITS_MAX_ROWZ", "5")
	t.Setenv("SYMSCORE_CUSTOMERS", "c1")
	t.Setenv("SYMSCORE_LIMITS_MAX_ROWS", "5") // known: no problem
	_, err := Load(LoadOptions{})
	wantProblems(t, err, map[string]string{
		"SYMSCORE_LIMITS_MAX_ROWZ": "unknown configuration variable",
		"SYMSCORE_CUSTOMERS":       "only be set in the configuration file",
	})
}

func TestEnvironmentOverridesFile(t *testing.T) {
	path := writeFile(t, `
limits: {max_rows: 10, max_frame_bytes: "1MiB"}
auth: {allow_sha1: false}
log: {level: warn}
`)
	t.Setenv("SYMSCORE_LIMITS_MAX_ROWS", "20")
	t.Setenv("SYMSCORE_LIMITS_MAX_FRAME_BYTES", "512KiB")
	t.Setenv("SYMSCORE_AUTH_ALLOW_SHA1", "true")
	t.Setenv("SYMSCORE_AUTH_CLOCK_SKEW_PAST", "30s")
	t.Setenv("SYMSCORE_TESTING_ECHO_ENDPOINT", "1")
	c := mustLoad(t, LoadOptions{File: path})
	if c.Limits.MaxRows != 20 || c.Limits.MaxFrameBytes != 512<<10 || !c.Auth.AllowSHA1 ||
		c.Auth.ClockSkewPast != 30e9 || !c.Testing.EchoEndpoint {
		t.Errorf("environment did not override the file:\n%s", c.AppendYAML(nil))
	}
	if c.Log.Level != "warn" {
		t.Errorf("log.level = %q, want the file's warn", c.Log.Level)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	path := writeFile(t, "listen: \"127.0.0.1:1001\"\ndata_dir: /from/file\nlog: {format: text}\n")
	t.Setenv("SYMSCORE_LISTEN", "127.0.0.1:1002")
	t.Setenv("SYMSCORE_DATA_DIR", "/from/env")
	t.Setenv("SYMSCORE_TESTING_ECHO_ENDPOINT", "false")
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	RegisterFlags(fs)
	if err := fs.Parse([]string{"--listen", "127.0.0.1:1003", "--echo-endpoint", "--log-level=debug"}); err != nil {
		t.Fatal(err)
	}
	c := mustLoad(t, LoadOptions{File: path, Flags: fs})
	if c.Listen != "127.0.0.1:1003" || !c.Testing.EchoEndpoint || c.Log.Level != "debug" {
		t.Errorf("flags did not override: listen %q, echo %v, log.level %q", c.Listen, c.Testing.EchoEndpoint, c.Log.Level)
	}
	// Flags not given leave the environment and the file in force.
	if c.DataDir != "/from/env" || c.Log.Format != "text" || c.AdminListen != DefaultAdminListen {
		t.Errorf("flags not given changed values: data_dir %q, log.format %q, admin_listen %q", c.DataDir, c.Log.Format, c.AdminListen)
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	t.Setenv("SYMSCORE_LOG_FORMAT", "xml")
	_, err := Load(LoadOptions{File: writeFile(t, `
listen: "localhost"
durability: sometimes
bogus: 1
customers:
  - id: c1
    secrets: ["`+testSecret+`", "not base64!"]
  - id: c1
    secrets: ["QUFBQQ=="]
limits:
  max_rows: -1
  max_message_bytes: "12 furlongs"
`)})
	wantProblems(t, err, map[string]string{
		"listen":                   "is not host:port",
		"durability":               "must be always, interval or none",
		"bogus":                    "unknown key",
		"customers[0].secrets[1]":  "not valid Base64",
		"customers[1].id":          `"c1" is also customers[0].id`,
		"customers[1].secrets[0]":  "decodes to 4 bytes; at least 16",
		"limits.max_rows":          "must be > 0",
		"limits.max_message_bytes": "is not a size",
		"log.format":               "must be json or text",
	})
	for _, p := range problemsOf(t, err) {
		if bytes.Contains([]byte(p.Msg), []byte(testSecret)) {
			t.Errorf("problem %q quotes a secret", p)
		}
	}
}

func TestLoadFileErrors(t *testing.T) {
	var ce *Error
	if _, err := Load(LoadOptions{File: "/nonexistent/symscore.yaml"}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if c, err := Load(LoadOptions{File: writeFile(t, "listen: [unclosed\n")}); err == nil || errors.As(err, &ce) || c.Listen != "" {
		t.Errorf("bad YAML: %v (%T), config %+v; want a plain error and no config", err, err, c)
	}
	_, err := Load(LoadOptions{File: writeFile(t, "limits: 5\n")})
	wantProblems(t, err, map[string]string{"limits": "expected a map"})
}
