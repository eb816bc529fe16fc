package bench

import (
	"slices"
	"testing"
)

func TestLoopbackSources(t *testing.T) {
	if got := LoopbackSources("ws://127.0.0.1:8080/x", 10_000); got != nil {
		t.Fatalf("10 000 connections: %v", got)
	}
	if got := LoopbackSources("ws://127.0.0.1:8080/x", 60_000); !slices.Equal(got, []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}) {
		t.Fatalf("60 000 connections: %v", got)
	}
	if got := LoopbackSources("ws://10.0.0.1:8080/x", 60_000); got != nil {
		t.Fatalf("not loopback: %v", got)
	}
}
