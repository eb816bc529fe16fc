package main

import (
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/symscore/symscore/config"
)

// newLogger returns the logger configured by log.level and log.format (validated before).
// Durations are written in one unit everywhere: milliseconds, as a number, under the key
// with "_ms" appended ("took": 1.5s becomes "took_ms": 1500).
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationsInMilliseconds}
	if c.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// durationsInMilliseconds is the handlers' ReplaceAttr: a time.Duration attribute becomes
// its milliseconds (a float, to the nanosecond) under its key with "_ms" appended.
func durationsInMilliseconds(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindDuration {
		return a
	}
	key := a.Key
	if !strings.HasSuffix(key, "_ms") {
		key += "_ms"
	}
	return slog.Float64(key, float64(a.Value.Duration())/float64(time.Millisecond))
}
