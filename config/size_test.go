package config

import (
	"math"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"4096", 4096},
		{"1B", 1},
		{"512KiB", 512 << 10},
		{"512 KiB", 512 << 10},
		{"4MiB", 4 << 20},
		{"16MiB", 16 << 20},
		{"64MiB", 64 << 20},
		{"2GiB", 2 << 30},
		{"3TiB", 3 << 40},
		{" 7MiB ", 7 << 20},
		{"9223372036854775807", math.MaxInt64},
	} {
		got, err := ParseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "-1KiB", "1.5MiB", "16MB", "16mib", "16 M", "0x10", "1e6", "8388608TiB", "9223372036854775808"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0"},
		{1000, "1000"},
		{1024, "1KiB"},
		{1536, "1536"},
		{16 << 20, "16MiB"},
		{5 << 30, "5GiB"},
		{1 << 40, "1TiB"},
	} {
		if got := FormatSize(tc.in); got != tc.want {
			t.Errorf("FormatSize(%d) = %q, want %q", tc.in, got, tc.want)
		}
		if back, err := ParseSize(FormatSize(tc.in)); err != nil || back != tc.in {
			t.Errorf("ParseSize(FormatSize(%d)) = %d, %v", tc.in, back, err)
		}
	}
}

func TestSizesInFile(t *testing.T) {
	c := mustLoad(t, LoadOptions{File: writeFile(t, `
limits:
  max_frame_bytes: "512KiB"
  max_message_bytes: 1048576
  outbound_queue_bytes: "4MiB"
`)})
	if c.Limits.MaxFrameBytes != 512<<10 || c.Limits.MaxMessageBytes != 1<<20 || c.Limits.OutboundQueueBytes != 4<<20 {
		t.Errorf("limits = %+v", c.Limits)
	}
}

func TestDurationsInFile(t *testing.T) {
	c := mustLoad(t, LoadOptions{File: writeFile(t, `
durability: interval
durability_interval: "250ms"
auth: {clock_skew_past: "2m", clock_skew_future: "1h30m"}
`)})
	if c.DurabilityInterval != 250e6 || c.Auth.ClockSkewPast != 120e9 || c.Auth.ClockSkewFuture != 5400e9 {
		t.Errorf("durations = %v %v %v", c.DurabilityInterval, c.Auth.ClockSkewPast, c.Auth.ClockSkewFuture)
	}
	_, err := Load(LoadOptions{File: writeFile(t, "limits: {idle_timeout: 300, write_timeout: \"soon\"}\n")})
	wantProblems(t, err, map[string]string{
		"limits.idle_timeout":  "write its unit",
		"limits.write_timeout": `"soon" is not a duration`,
	})
}
