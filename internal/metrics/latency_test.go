package metrics

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/internal/testenv"
)

// refBucket is the bucket prometheus.Histogram puts d in: the first bound d.Seconds() does
// not exceed, or len(latencyBuckets) (+Inf).
func refBucket(d time.Duration) int {
	v := d.Seconds()
	for i, b := range latencyBuckets {
		if v <= b {
			return i
		}
	}
	return len(latencyBuckets)
}

// latencySamples are durations around every bound and spread log-uniformly over 1 ns to
// 100 s, zero and negative ones included.
func latencySamples(n int) []time.Duration {
	ds := []time.Duration{0, -1, -time.Second, 1, math.MaxInt64}
	for _, b := range latencyBounds {
		for k := int64(-3); k <= 3; k++ {
			ds = append(ds, time.Duration(b+k))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		ds = append(ds, time.Duration(math.Exp(r.Float64()*math.Log(100e9))))
	}
	return ds
}

func TestLatencyBucket(t *testing.T) {
	for _, d := range latencySamples(200000) {
		if got, want := latencyBucket(d), refBucket(d); got != want {
			t.Fatalf("latencyBucket(%d ns) = %d, prometheus' bucket %d", int64(d), got, want)
		}
	}
}

// TestLatencyExposition: the histograms gathered from a latencyVec are those of a
// prometheus.HistogramVec of the same buckets given the same durations (the sum to within
// rounding: prometheus adds floats, latencyVec nanoseconds).
func TestLatencyExposition(t *testing.T) {
	const name, help = "symscore_request_duration_seconds", "Latency."
	ref := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: latencyBuckets}, []string{"endpoint"})
	lv := newLatencyVec(name, help, "endpoint")
	refReg, reg := prometheus.NewRegistry(), prometheus.NewRegistry()
	refReg.MustRegister(ref)
	reg.MustRegister(lv)
	ds := latencySamples(5000)
	for i, d := range ds {
		if d < 0 || d > time.Hour {
			continue // a duration measured on the monotonic clock is never negative, nor years
		}
		ep := []string{"ws_predict", "rest_build", "ws_learn"}[i%3]
		ref.WithLabelValues(ep).Observe(d.Seconds())
		lv.with(ep).Observe(d)
	}
	ref.WithLabelValues("unused")
	lv.with("unused")
	wantFams, err := refReg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	gotFams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(wantFams) != 1 || len(gotFams) != 1 {
		t.Fatalf("%d and %d families", len(wantFams), len(gotFams))
	}
	want, got := wantFams[0], gotFams[0]
	if got.GetName() != want.GetName() || got.GetHelp() != want.GetHelp() || got.GetType() != want.GetType() {
		t.Fatalf("family %s %q %v, want %s %q %v", got.GetName(), got.GetHelp(), got.GetType(), want.GetName(), want.GetHelp(), want.GetType())
	}
	if len(got.Metric) != len(want.Metric) {
		t.Fatalf("%d series, want %d", len(got.Metric), len(want.Metric))
	}
	for i, w := range want.Metric {
		g := got.Metric[i]
		label := w.GetLabel()[0].GetValue()
		if gl := g.GetLabel(); len(gl) != 1 || gl[0].GetName() != "endpoint" || gl[0].GetValue() != label {
			t.Fatalf("series %d labels %v, want endpoint=%s", i, gl, label)
		}
		gh, wh := g.GetHistogram(), w.GetHistogram()
		if gh.GetSampleCount() != wh.GetSampleCount() {
			t.Errorf("%s: count %d, want %d", label, gh.GetSampleCount(), wh.GetSampleCount())
		}
		if gs, ws := gh.GetSampleSum(), wh.GetSampleSum(); math.Abs(gs-ws) > 1e-12*math.Max(1, math.Abs(ws)) {
			t.Errorf("%s: sum %.17g, want %.17g", label, gs, ws)
		}
		if len(gh.Bucket) != len(wh.Bucket) {
			t.Fatalf("%s: %d buckets, want %d", label, len(gh.Bucket), len(wh.Bucket))
		}
		for j, wb := range wh.Bucket {
			gb := gh.Bucket[j]
			if gb.GetUpperBound() != wb.GetUpperBound() || gb.GetCumulativeCount() != wb.GetCumulativeCount() {
				t.Errorf("%s: bucket le=%g: %d, want le=%g: %d", label,
					gb.GetUpperBound(), gb.GetCumulativeCount(), wb.GetUpperBound(), wb.GetCumulativeCount())
			}
		}
		if gh.GetCreatedTimestamp() == nil {
			t.Errorf("%s: no created timestamp", label)
		}
	}
}

// TestLatencyConcurrent: observations from several goroutines are all counted.
func TestLatencyConcurrent(t *testing.T) {
	s := New()
	e := s.Endpoint("ws_predict")
	const goroutines, each = 8, 10000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				e.latency.Observe(time.Duration(g*each+i) * time.Microsecond)
			}
		})
	}
	wg.Wait()
	mfs, err := s.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "symscore_request_duration_seconds" {
			continue
		}
		h := mf.Metric[0].GetHistogram()
		if h.GetSampleCount() != goroutines*each {
			t.Fatalf("count %d, want %d", h.GetSampleCount(), goroutines*each)
		}
		n := int64(goroutines * each)
		if want := float64(n*(n-1)/2) * 1e-6; math.Abs(h.GetSampleSum()-want) > 1e-9*want {
			t.Fatalf("sum %g, want %g", h.GetSampleSum(), want)
		}
		return
	}
	t.Fatal("no latency histogram gathered")
}

func TestLatencyObserveAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	l := New().Endpoint("ws_predict").latency
	if n := testing.AllocsPerRun(100, func() { l.Observe(3 * time.Microsecond) }); n != 0 {
		t.Fatalf("%v allocations per Observe", n)
	}
}
