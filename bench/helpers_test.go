package bench

import (
	"testing"
)

// startFloors starts both floors on loopback and stops them when the test ends.
func startFloors(t *testing.T) (wsURL, tcpURL string) {
	t.Helper()
	wsSrv, err := StartWSEcho("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wsSrv.Close() })
	tcpSrv, err := StartTCPEcho("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tcpSrv.Close() })
	return wsSrv.URL(), tcpSrv.URL()
}

// checkReport fails the test unless r is a sound report of a successful run.
func checkReport(t *testing.T, r *Report) {
	t.Helper()
	if r.Failed() || r.FirstError != "" {
		t.Fatalf("run failed: %d errors, first %q", r.Errors, r.FirstError)
	}
	if r.Count <= 0 || r.MsgsPerSec <= 0 || r.Elapsed <= 0 {
		t.Fatalf("nothing measured: count %d, %v msgs/s, elapsed %v", r.Count, r.MsgsPerSec, r.Elapsed)
	}
	if !(0 < r.Min && r.Min <= r.P50 && r.P50 <= r.P90 && r.P90 <= r.P99 && r.P99 <= r.P999 && r.P999 <= r.Max) {
		t.Fatalf("percentiles out of order: min %v p50 %v p90 %v p99 %v p99.9 %v max %v", r.Min, r.P50, r.P90, r.P99, r.P999, r.Max)
	}
	if r.Mean < r.Min || r.Mean > r.Max {
		t.Fatalf("mean %v outside [%v, %v]", r.Mean, r.Min, r.Max)
	}
}
