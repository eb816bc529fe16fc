package config

import (
	"strings"
	"testing"
)

func TestFitDescriptors(t *testing.T) {
	for _, tc := range []struct {
		name              string
		limit             uint64
		conns, unauth     int
		wantConns, wantUn int
		lowered           []string
	}{
		{"usual 20000", 20000, 100000, 4096, 19488, 4096, []string{"limits.max_connections lowered from 100000 to 19488: the process may open 20000 files, 512 of them kept"}},
		{"1024", 1024, 100000, 4096, 512, 256, []string{"limits.max_connections lowered from 100000 to 512", "limits.max_unauthenticated_connections lowered from 4096 to 256, half of limits.max_connections"}},
		{"large", 1 << 20, 100000, 4096, 100000, 4096, nil},
		{"fits exactly", 10512, 10000, 5000, 10000, 5000, nil},
		{"unknown limit", 0, 100000, 90000, 100000, 50000, []string{"limits.max_unauthenticated_connections lowered from 90000 to 50000"}},
		{"one connection", 0, 1, 1, 1, 1, nil},
		{"least", DescriptorReserve + MinConnections, 100000, 4096, MinConnections, MinConnections / 2, []string{"to 16:", "to 8,"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := Limits{MaxConnections: tc.conns, MaxUnauthenticatedConnections: tc.unauth}
			lowered, err := l.fitDescriptors(tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if l.MaxConnections != tc.wantConns || l.MaxUnauthenticatedConnections != tc.wantUn {
				t.Fatalf("max_connections %d, max_unauthenticated_connections %d; want %d, %d",
					l.MaxConnections, l.MaxUnauthenticatedConnections, tc.wantConns, tc.wantUn)
			}
			if uint64(l.MaxConnections)+DescriptorReserve > tc.limit && tc.limit > 0 {
				t.Fatalf("%d connections and the reserve exceed %d descriptors", l.MaxConnections, tc.limit)
			}
			if len(lowered) != len(tc.lowered) {
				t.Fatalf("lowered %q, want %d notes", lowered, len(tc.lowered))
			}
			for i, want := range tc.lowered {
				if !strings.Contains(lowered[i], want) {
					t.Errorf("note %q, want it to contain %q", lowered[i], want)
				}
			}
		})
	}
	l := Limits{MaxConnections: 1000, MaxUnauthenticatedConnections: 300, MaxUnauthenticatedConnectionsPerAddress: 200}
	lowered, err := l.fitDescriptors(DescriptorReserve + 100)
	if err != nil || l.MaxUnauthenticatedConnections != 50 || l.MaxUnauthenticatedConnectionsPerAddress != 50 || len(lowered) != 3 ||
		!strings.Contains(lowered[2], "max_unauthenticated_connections_per_address lowered from 200 to 50") {
		t.Fatalf("per-address limit not fitted: %+v %q %v", l, lowered, err)
	}
	l = Limits{MaxConnections: 100000, MaxUnauthenticatedConnections: 4096}
	if _, err := l.fitDescriptors(DescriptorReserve + MinConnections - 1); err == nil ||
		!strings.Contains(err.Error(), "the process may open 527 files (ulimit -n); symscore needs at least 528") {
		t.Fatalf("too few descriptors: %v", err)
	}
}
