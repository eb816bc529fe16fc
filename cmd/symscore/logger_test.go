package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/config"
)

// TestLoggerDurationsInMilliseconds: every duration is written as milliseconds under its
// key with "_ms", in both formats; other values are untouched.
func TestLoggerDurationsInMilliseconds(t *testing.T) {
	var buf bytes.Buffer
	newLogger(config.Log{Level: "info", Format: "json"}, &buf).Info("x", "took", 1500*time.Microsecond, "timeout_ms", 2*time.Second, "n", 3)
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["took_ms"] != 1.5 || m["timeout_ms"] != 2000.0 || m["n"] != 3.0 || m["took"] != nil {
		t.Fatalf("json: %v", m)
	}
	buf.Reset()
	newLogger(config.Log{Level: "info", Format: "text"}, &buf).Info("x", "delay", 250*time.Nanosecond)
	if !strings.Contains(buf.String(), " delay_ms=0.00025") {
		t.Fatalf("text: %s", buf.String())
	}
}

// TestServeLogsDurationsInMilliseconds: a real serve writes the durations of its own lines
// (recovery) in milliseconds.
func TestServeLogsDurationsInMilliseconds(t *testing.T) {
	cfg := writeConfig(t, "listen: \"127.0.0.1:0\"\nadmin_listen: \"127.0.0.1:0\"\ndata_dir: "+
		strings.ReplaceAll(t.TempDir(), `\`, `/`)+"\n")
	p := startServe(t, "--config", cfg)
	m := p.waitLog(t, "store: recovered", 30*time.Second)
	if _, ok := m["took_ms"].(float64); !ok || m["took"] != nil {
		t.Fatalf("recovery line %v: want took_ms, a number", m)
	}
}
