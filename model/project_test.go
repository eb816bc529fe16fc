package model

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// vendorLearn is the DataFrame of the vendor client's learn message (docs/protocol.md 1.2).
const vendorLearn = `{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width","sepal_lengt_b1","sepal_lengt_b2","sepal_width_b1","sepal_width_b2","petal_length_b1","petal_length_b2","petal_width_b1","petal_width_b2","Iris_setosa","Iris_versicolor","Iris_virginica"],"data":[["4.3","3","1.1","0.1","1","0","0","1","1","0","1","0","1","0","0"],["4.8","3","1.4","0.1","1","0","0","1","1","0","1","0","1","0","0"]],"attributeTypes":["C","C","C","C","B","B","B","B","B","B","B","B","B","B","B"],"errorHandling":1}`

func TestProjectLearnVendorMessage(t *testing.T) {
	p := newTestProject(t, "", nil)
	learn(t, p, vendorLearn)
	s := p.Snapshot()
	if s.Type != "cpu" || len(s.Names) != 15 || s.Total.N != 2 || s.Kinds[0] != dataframe.TypeC || s.Kinds[14] != dataframe.TypeB {
		t.Fatalf("snapshot %+v", s)
	}
	if m := s.Total.Mean[0]; m != 4.55 {
		t.Fatalf("mean sepal_length %v", m)
	}
	if v := s.Total.At(0, 0); math.Abs(v-0.125) > 1e-16 {
		t.Fatalf("M[0,0] = %v, want 0.125", v)
	}
	if s.Min[0] != 4.3 || s.Max[0] != 4.8 || s.Total.Mean[12] != 1 || s.Total.At(12, 12) != 0 {
		t.Fatalf("min %v max %v", s.Min, s.Max)
	}
	info := p.Info()
	if info.PID != "p1" || info.Rows != 2 || info.AttributeTypes[4] != "B" || info.AttributeNames[14] != "Iris_virginica" || info.Frozen {
		t.Fatalf("info %+v", info)
	}
}

// TestProjectNewAttributesCountAsZero: attributes that join later (new names, new T
// values) are 0 in earlier rows, and attributes absent from a frame are 0 in its rows.
func TestProjectNewAttributesCountAsZero(t *testing.T) {
	p := newTestProject(t, "", nil)
	learn(t, p, `{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1.5","x"],["2.5","y"]]}`)
	learn(t, p, `{"attributeNames":["k","b","a"],"attributeTypes":["T","C","C"],"data":[["z","10","3"],["x","20","4"]]}`)
	learn(t, p, `{"attributeNames":["b"],"attributeTypes":["C"],"data":[["30"]]}`)
	s := p.Snapshot()
	want := []string{"a", "k$x", "k$y", "b", "k$z"}
	if strings.Join(s.Names, ",") != strings.Join(want, ",") {
		t.Fatalf("names %v", s.Names)
	}
	if s.Base[1] != "k" || s.Base[4] != "k" || s.Base[0] != "" || s.Kinds[4] != dataframe.TypeB || s.Kinds[3] != dataframe.TypeC {
		t.Fatalf("base %q kinds %v", s.Base, s.Kinds)
	}
	rows := [][]float64{
		{1.5, 1, 0, 0, 0},
		{2.5, 0, 1, 0, 0},
		{3, 0, 0, 10, 1},
		{4, 1, 0, 20, 0},
		{0, 0, 0, 30, 0},
	}
	checkMoments(t, s.Total, rows, 1e-14)
}

// TestProjectForgetRestoresStateBitForBit: forgetting a frame that was learned restores
// the statistics bit for bit; forgetting the same rows otherwise grouped restores them to
// 1e-12 of each moment's scale; forgetting every row resets them.
func TestProjectForgetRestoresStateBitForBit(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for trial := range 20 {
		for _, typ := range []string{"cpu", "partition"} {
			p := newTestProject(t, typ, map[string]string{"partitionSplit": "g"})
			names := []string{"c0", "c1", "b", "k", "g"}
			gen := func(n int) [][]string {
				rows := make([][]string, n)
				for i := range rows {
					x := []float64{math.Round(r.NormFloat64()*1e4) / 1e3, 1e9 + r.NormFloat64(), float64(r.IntN(2))}
					rows[i] = append(numRows([][]float64{x})[0], string(rune('a'+r.IntN(3))), string(rune('p'+r.IntN(3))))
				}
				return rows
			}
			base, extra := gen(40+trial), gen(25+60*trial)
			learn(t, p, dfJSON(names, "CCBTT", base))
			want, wantSnap := statsBytes(p), p.Snapshot()
			learn(t, p, dfJSON(names, "CCBTT", extra))
			forget(t, p, dfJSON(names, "CCBTT", extra))
			if !bytes.Equal(statsBytes(p), want) {
				t.Fatalf("%s trial %d: forget(learn(x)) did not restore the statistics", typ, trial)
			}
			// The same rows forgotten in other messages, in another order: the blocks differ,
			// so the sums are restored within the blocked accumulation's bound.
			learn(t, p, dfJSON(names, "CCBTT", extra))
			histTotal, histParts := p.total.clone(), map[string]*summary{}
			for k, ps := range p.parts {
				histParts[k] = ps.clone()
			}
			r.Shuffle(len(extra), func(i, j int) { extra[i], extra[j] = extra[j], extra[i] })
			forget(t, p, dfJSON(names, "CCBTT", extra[:10]))
			forget(t, p, dfJSON(names, "CCBTT", extra[10:]))
			got := p.Snapshot()
			closeMoments(t, got.Total, wantSnap.Total, histTotal, 4, 1e-12)
			if len(got.Partitions) != len(wantSnap.Partitions) {
				t.Fatalf("%s trial %d: %d partitions, want %d", typ, trial, len(got.Partitions), len(wantSnap.Partitions))
			}
			for i := range got.Partitions {
				closeMoments(t, got.Partitions[i].Moments, wantSnap.Partitions[i].Moments, histParts[got.Partitions[i].Value], 4, 1e-12)
			}
			// Forgetting everything resets to the empty state.
			forget(t, p, dfJSON(names, "CCBTT", base))
			empty := newTestProject(t, typ, map[string]string{"partitionSplit": "g"})
			empty.total.grow(len(p.names))
			if !bytes.Equal(statsBytes(p), statsBytes(empty)) || len(p.Snapshot().Partitions) != 0 {
				t.Fatalf("%s: forgetting every row did not reset the statistics", typ)
			}
		}
	}
}

// TestProjectInterleavedEqualsRemainder: learning and forgetting parts of a multiset in
// interleaved order gives the statistics of learning what remains.
func TestProjectInterleavedEqualsRemainder(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	rows := randRows(r, 120, 4)
	names := []string{"a", "b", "c", "d"}
	p := newTestProject(t, "", nil)
	learn(t, p, dfJSON(names, "CCBC", numRows(rows[:60])))
	forget(t, p, dfJSON(names, "CCBC", numRows(rows[10:30])))
	learn(t, p, dfJSON(names, "CCBC", numRows(rows[60:])))
	forget(t, p, dfJSON(names, "CCBC", numRows(rows[100:110])))
	forget(t, p, dfJSON(names, "CCBC", numRows(rows[40:45])))
	remain := append(append(append(append([][]float64{}, rows[:10]...), rows[30:40]...), rows[45:100]...), rows[110:]...)
	checkMoments(t, p.Snapshot().Total, remain, 1e-13)

	// Same order, same shift: bit for bit.
	q := newTestProject(t, "", nil)
	learn(t, q, dfJSON(names, "CCBC", numRows(rows[:60])))
	want := statsBytes(q)
	learn(t, q, dfJSON(names, "CCBC", numRows(rows[60:])))
	forget(t, q, dfJSON(names, "CCBC", numRows(rows[60:])))
	if !bytes.Equal(statsBytes(q), want) {
		t.Fatal("learn A, learn B, forget B differs from learn A")
	}
}

// TestProjectPartitionTotalsEqualCPU: a partition project's total is the same summary, bit
// for bit, as a cpu project fed the same messages (it is updated with the same terms in
// the same order from the same shift); its partitions merged give the same moments.
func TestProjectPartitionTotalsEqualCPU(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	cpu := newTestProject(t, "cpu", nil)
	part := newTestProject(t, "partition", map[string]string{"partitionSplit": "g"})
	for msg := range 5 {
		rows := make([][]string, 30)
		for i := range rows {
			rows[i] = append(numRows([][]float64{{r.NormFloat64()*5 + 100, r.ExpFloat64(), float64(r.IntN(2))}})[0], []string{"u", "v", "w"}[r.IntN(3)])
		}
		payload := dfJSON([]string{"x", "y", "b", "g"}, "CCBT", rows)
		learn(t, cpu, payload)
		learn(t, part, payload)
		if msg == 3 {
			forget(t, cpu, dfJSON([]string{"x", "y", "b", "g"}, "CCBT", rows[:7]))
			forget(t, part, dfJSON([]string{"x", "y", "b", "g"}, "CCBT", rows[:7]))
		}
	}
	if !bytes.Equal(cpu.total.appendBinary(nil), part.total.appendBinary(nil)) {
		t.Fatal("partition total differs from the cpu project's summary")
	}
	s := part.Snapshot()
	merged := newSummary(len(part.names))
	for _, k := range part.partKeys {
		merged.merge(part.parts[k])
	}
	got, want := merged.moments(), s.Total
	for i := range want.Mean {
		if math.Abs(got.Mean[i]-want.Mean[i]) > 1e-12*math.Abs(want.Mean[i]) {
			t.Fatalf("merged partitions mean %v, total %v", got.Mean, want.Mean)
		}
	}
	for i := range want.M {
		if math.Abs(got.M[i]-want.M[i]) > 1e-12*math.Abs(want.M[i]) {
			t.Fatalf("merged partitions M %v, total %v", got.M, want.M)
		}
	}
	if len(s.Partitions) != 3 || s.Partitions[0].Value != "u" || s.Partitions[0].N+s.Partitions[1].N+s.Partitions[2].N != s.Total.N {
		t.Fatalf("partitions %+v", s.Partitions)
	}
}

func TestProjectPartitionColumnS(t *testing.T) {
	p := newTestProject(t, "partition", map[string]string{"partitionSplit": "species"})
	learn(t, p, `{"attributeNames":["x","species"],"attributeTypes":["C","S"],"data":[["1","b"],["2","a"],["4","b"]]}`)
	s := p.Snapshot()
	if len(s.Names) != 1 || len(s.Partitions) != 2 || s.Partitions[0].Value != "a" || s.Partitions[1].N != 2 || s.Partitions[1].Mean[0] != 2.5 {
		t.Fatalf("snapshot %+v", s)
	}
	// The partition summaries grow with the project's attributes.
	learn(t, p, `{"attributeNames":["y","species"],"attributeTypes":["C","S"],"data":[["7","c"]]}`)
	s = p.Snapshot()
	for _, ps := range s.Partitions {
		if ps.Dim() != 2 {
			t.Fatalf("partition %q has %d attributes", ps.Value, ps.Dim())
		}
	}
}

// TestProjectRefusals: every refusal leaves the project exactly as it was.
func TestProjectRefusals(t *testing.T) {
	learnOpts := func(p *Project) dataframe.Options { return dataframe.Options{PartitionColumn: p.PartitionColumn()} }
	base := `{"attributeNames":["x","b","g"],"attributeTypes":["C","B","S"],"data":[["1","0","u"],["2","1","v"],["3","1","u"]]}`
	tests := []struct {
		name     string
		typ      string
		run      func(p *Project) error
		msg      string
		sentinel error
	}{
		{"frozen learn", "cpu", func(p *Project) error {
			return p.Learn(frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["5"]]}`, dataframe.Options{}))
		}, "frozen", ErrFrozen},
		{"frozen forget", "cpu", func(p *Project) error {
			return p.Forget(frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, dataframe.Options{}))
		}, "frozen", ErrFrozen},
		{"forget too many", "cpu", func(p *Project) error {
			return p.Forget(frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["1"],["1"],["1"]]}`, dataframe.Options{}))
		}, "cannot forget 4 rows: the project holds 3", ErrNegativeCount},
		{"forget from empty partition", "partition", func(p *Project) error {
			return p.Forget(frame(t, `{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","zzz"]]}`, learnOpts(p)))
		}, `cannot forget rows of partition "zzz": it holds none`, ErrNegativeCount},
		{"forget too many of a partition", "partition", func(p *Project) error {
			return p.Forget(frame(t, `{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["2","v"],["2","v"]]}`, learnOpts(p)))
		}, "cannot forget 2 rows of a partition that holds 1", ErrNegativeCount},
		{"forget unknown attribute", "cpu", func(p *Project) error {
			return p.Forget(frame(t, `{"attributeNames":["x","new"],"attributeTypes":["C","C"],"data":[["1","0"],["2","7"]]}`, dataframe.Options{}))
		}, `cannot forget attribute "new": the project has never learned it`, nil},
		{"kind mismatch", "cpu", func(p *Project) error {
			return p.Learn(frame(t, `{"attributeNames":["b","y"],"attributeTypes":["C","C"],"data":[["0.5","1"]]}`, dataframe.Options{}))
		}, `attribute "b" is B in the project; the DataFrame sends it as C`, nil},
		{"non-finite value", "cpu", func(p *Project) error {
			return p.Learn(frame(t, `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1",""]]}`, dataframe.Options{Mode: dataframe.ModePredict}))
		}, `row 0, column "y": NaN is not a finite number`, nil},
		{"no partition column", "partition", func(p *Project) error {
			return p.Learn(frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`, dataframe.Options{}))
		}, `the DataFrame has no partition column "g"`, nil},
		{"empty partition value", "partition", func(p *Project) error {
			return p.Learn(frame(t, `{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1",""]]}`, dataframe.Options{Mode: dataframe.ModePredict, PartitionColumn: "g"}))
		}, `row 0: the partition value is empty`, nil},
		{"too many attributes", "cpu", func(p *Project) error {
			p.lim.set(Limits{MaxAttributes: 3})
			defer p.lim.set(Limits{})
			return p.Learn(frame(t, `{"attributeNames":["n1","n2"],"attributeTypes":["C","C"],"data":[["1","2"]]}`, dataframe.Options{}))
		}, "the project would have 4 attributes; the limit is 3", ErrTooManyAttributes},
		{"too many partitions", "partition", func(p *Project) error {
			p.lim.set(Limits{MaxPartitions: 3})
			defer p.lim.set(Limits{})
			return p.Learn(frame(t, `{"attributeNames":["x","g"],"attributeTypes":["C","S"],"data":[["1","w"],["1","u"],["1","y"]]}`, learnOpts(p)))
		}, "the project would have 4 partitions; the limit is 3", ErrTooManyPartitions},
		{"state too large", "cpu", func(p *Project) error {
			p.lim.set(Limits{MaxStateBytes: 1400})
			defer p.lim.set(Limits{})
			return p.Learn(frame(t, `{"attributeNames":["n1"],"attributeTypes":["C"],"data":[["1"]]}`, dataframe.Options{}))
		}, // 1024 + len("p1") + summaryBytes(3) = 16·6 + 40·3 + names 3·64 + len("x", "b", "n1")
			"the project would take 1438 bytes (3 attributes, 0 partitions, 196 bytes of names and 0 of models); the limit is 1400", ErrStateTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestProject(t, tc.typ, map[string]string{"partitionSplit": "g"})
			b := base
			if tc.typ == "cpu" {
				b = strings.Replace(base, `"S"]`, `"X"]`, 1)
			}
			learn(t, p, b)
			// The "frozen" cases are frozen first: a change of its own.
			p.SetFrozen(strings.HasPrefix(tc.name, "frozen"))
			err := unchanged(t, p, func() error { return tc.run(p) })
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %q, want %q", err, tc.msg)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Fatalf("%v does not wrap %v", err, tc.sentinel)
			}
			if tc.sentinel != ErrFrozen {
				var me *Error
				if !errors.As(err, &me) {
					t.Fatalf("%T is not a *model.Error", err)
				}
			}
		})
	}
}

// TestProjectZeroRowFrame: a frame whose rows were all skipped changes nothing.
func TestProjectZeroRowFrame(t *testing.T) {
	p := newTestProject(t, "", nil)
	learn(t, p, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"]]}`)
	before := stateBytes(t, p)
	learn(t, p, `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["bad","1"]],"errorHandling":1}`)
	if !bytes.Equal(before, stateBytes(t, p)) {
		t.Fatal("an empty frame changed the project")
	}
}

// closeMoments checks got against want (same n) within tol of the blocked accumulation's
// error scale (summary_block.go): every row of hist, a summary of the rows learned since
// the state was empty, added or subtracted at most reps times. With H_ii = reps·S2_ii and
// N = reps·n of hist, and n the rows held, a mean may be off by tol·max(|μ|, √(N·H_ii)/n)
// and M_ij by tol·(1 + 2√(N/n))·√(H_ii·H_jj): the bound grows with the rows ever added, not
// with those held (a column whose non-zero rows were all forgotten keeps covariances of
// that order).
func closeMoments(t *testing.T, got, want Moments, hist *summary, reps, tol float64) {
	t.Helper()
	d := want.Dim()
	if got.N != want.N || got.Dim() != d || hist.dim() != d {
		t.Fatalf("n %d, d %d; want %d, %d", got.N, got.Dim(), want.N, d)
	}
	n, nh := float64(want.N), reps*float64(hist.n)
	h := make([]float64, d)
	for i := range h {
		h[i] = math.Sqrt(reps * hist.s2[packedIndex(i, i)].float())
	}
	for i := range d {
		if e := math.Abs(got.Mean[i] - want.Mean[i]); e > tol*math.Max(math.Abs(want.Mean[i]), math.Sqrt(nh)*h[i]/n) {
			t.Fatalf("mean[%d] = %v, want %v", i, got.Mean[i], want.Mean[i])
		}
		for j := range d {
			if e := math.Abs(got.At(i, j) - want.At(i, j)); e > tol*(1+2*math.Sqrt(nh/n))*h[i]*h[j] {
				t.Fatalf("M[%d,%d] = %v, want %v", i, j, got.At(i, j), want.At(i, j))
			}
		}
	}
}

func TestProjectHardNumericsThroughFrames(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	rows := make([][]float64, 2000)
	for i := range rows {
		rows[i] = []float64{1e9 + r.NormFloat64()}
	}
	p := newTestProject(t, "", nil)
	for i := 0; i < 2000; i += 500 {
		learn(t, p, dfJSON([]string{"x"}, "C", numRows(rows[i:i+500])))
	}
	check := func(rows [][]float64) {
		t.Helper()
		_, m := exactMoments(rows, 1)
		want := m[0] / float64(len(rows))
		got := p.Snapshot().Total.At(0, 0) / float64(len(rows))
		if rel := math.Abs(got-want) / want; rel > 1e-9 {
			t.Fatalf("variance %v, exact %v: relative error %g", got, want, rel)
		}
	}
	check(rows)
	forget(t, p, dfJSON([]string{"x"}, "C", numRows(rows[:1995])))
	check(rows[1995:])
}
