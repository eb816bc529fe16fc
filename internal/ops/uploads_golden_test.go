package ops

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/symscore/symscore/protocol"
)

// golden is what the golden files (testdata/, copied from the reference set) hold of the
// data and its statistics.
type golden struct {
	Data struct {
		FeatureNames []string    `json:"feature_names"`
		TargetNames  []string    `json:"target_names"`
		X            [][]float64 `json:"X"`
		Y            []float64   `json:"y"`
	} `json:"data"`
	Stats struct { // iris
		N           int64       `json:"n"`
		ClassCounts []int64     `json:"class_counts"`
		Mean        []float64   `json:"overall_mean"`
		M2          [][]float64 `json:"total_M2"`
	} `json:"stats"`
	StatsXy struct { // diabetes: the features then y
		N    int64       `json:"n"`
		Mean []float64   `json:"mean"`
		M2   [][]float64 `json:"M2"`
	} `json:"stats_Xy"`
}

func readGolden(t *testing.T, name string) golden {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestUploadGoldenStatistics: iris and diabetes uploaded as CSV files (numbers in
// shortest round-trip form) and finalized give the reference statistics at 1e-9 relative
// to each quantity family's scale: counts, means, co-moments.
func TestUploadGoldenStatistics(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	check := func(what string, got, want, scale float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(math.Abs(want), scale) {
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	}
	maxAbs := func(m [][]float64) float64 {
		s := 0.0
		for _, r := range m {
			for _, v := range r {
				s = math.Max(s, math.Abs(v))
			}
		}
		return s
	}
	t.Run("iris", func(t *testing.T) {
		g := readGolden(t, "iris_classifiers.json")
		names := append(append([]string(nil), g.Data.FeatureNames...), "species")
		var rows [][]string
		for i, x := range g.Data.X {
			var r []string
			for _, v := range x {
				r = append(r, num(v))
			}
			rows = append(rows, append(r, g.Data.TargetNames[int(g.Data.Y[i])]))
		}
		if err := s.Create(c1, "iris", "", nil); err != nil {
			t.Fatal(err)
		}
		id := uploadFile(t, s, c1, "iris", csvOf(names, rows), 1000)
		if js := finalize(t, s, c1, id, FinalizeArgs{Types: "C,C,C,C,T"}); js.Status != protocol.StatusOK || js.Rows.Applied != 150 {
			t.Fatalf("job %+v", js)
		}
		snap := snapshot(t, s, c1, "iris")
		if snap.Total.N != g.Stats.N {
			t.Fatalf("n %d, want %d", snap.Total.N, g.Stats.N)
		}
		scale := maxAbs(g.Stats.M2)
		for i, fi := range g.Data.FeatureNames {
			pi, ok := snap.Index(fi)
			if !ok {
				t.Fatalf("no attribute %q", fi)
			}
			check("mean of "+fi, snap.Total.Mean[pi], g.Stats.Mean[i], 10)
			for j, fj := range g.Data.FeatureNames {
				pj, _ := snap.Index(fj)
				check("M2 "+fi+","+fj, snap.Total.At(pi, pj), g.Stats.M2[i][j], scale)
			}
		}
		for k, name := range g.Data.TargetNames {
			pk, ok := snap.Index("species$" + name)
			if !ok {
				t.Fatalf("no attribute species$%s", name)
			}
			check("count of "+name, snap.Total.Mean[pk]*float64(snap.Total.N), float64(g.Stats.ClassCounts[k]), 1)
		}
	})
	t.Run("diabetes", func(t *testing.T) {
		g := readGolden(t, "diabetes_regression.json")
		names := append(append([]string(nil), g.Data.FeatureNames...), "y")
		var rows [][]string
		for i, x := range g.Data.X {
			var r []string
			for _, v := range x {
				r = append(r, num(v))
			}
			rows = append(rows, append(r, num(g.Data.Y[i])))
		}
		if err := s.Create(c1, "diabetes", "", nil); err != nil {
			t.Fatal(err)
		}
		id := uploadFile(t, s, c1, "diabetes", csvOf(names, rows), 3000)
		if js := finalize(t, s, c1, id, FinalizeArgs{}); js.Status != protocol.StatusOK || js.Rows.Applied != 442 {
			t.Fatalf("job %+v", js)
		}
		snap := snapshot(t, s, c1, "diabetes")
		if snap.Total.N != g.StatsXy.N {
			t.Fatalf("n %d, want %d", snap.Total.N, g.StatsXy.N)
		}
		scale := maxAbs(g.StatsXy.M2)
		for i, fi := range names {
			pi, ok := snap.Index(fi)
			if !ok {
				t.Fatalf("no attribute %q (inferred types %v)", fi, snap.Kinds)
			}
			check("mean of "+fi, snap.Total.Mean[pi], g.StatsXy.Mean[i], math.Abs(g.StatsXy.Mean[len(names)-1]))
			for j, fj := range names {
				pj, _ := snap.Index(fj)
				check("M2 "+fi+","+fj, snap.Total.At(pi, pj), g.StatsXy.M2[i][j], scale)
			}
		}
	})
}
