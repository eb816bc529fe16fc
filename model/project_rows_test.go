package model

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// valuesOKRef is the plain reference of Rows.valuesOK: the rules of checkValue, one value
// at a time.
func valuesOKRef(f *dataframe.Frame) bool {
	w := len(f.Names)
	for r := range f.Rows {
		for c, v := range f.Vals[r*w : (r+1)*w] {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxMagnitude:
				return false
			case f.Kinds[c] == dataframe.TypeB && v != 0 && v != 1:
				return false
			}
		}
	}
	return true
}

// forgetOKRef reports whether a forget of f leaves alone the columns the project does not
// know (known[c] false): all zeros.
func forgetOKRef(f *dataframe.Frame, known []bool) bool {
	w := len(f.Names)
	for r := range f.Rows {
		for c, v := range f.Vals[r*w : (r+1)*w] {
			if !known[c] && v != 0 {
				return false
			}
		}
	}
	return true
}

// TestValuesOKAgainstReference: the branch-free check agrees with the plain rules on
// hostile values in every kind of column; whenever it refuses, SetFrame explains why, and
// a forget is refused for a non-zero value of an attribute the project never learned
// exactly when the reference says so.
func TestValuesOKAgainstReference(t *testing.T) {
	hostile := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 2, 1 + 0x1p-52, 1 - 0x1p-53, 5e-324, -5e-324,
		math.SmallestNonzeroFloat64 * 3, MaxMagnitude, -MaxMagnitude, math.Nextafter(MaxMagnitude, math.Inf(1)),
		-math.Nextafter(MaxMagnitude, math.Inf(1)), math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(),
		math.Float64frombits(0x7ff0000000000001), math.Float64frombits(0xfff8000000000000), 4.3, -12, 1e300}
	p := newTestProject(t, "", nil)
	learn(t, p, `{"attributeNames":["c","b"],"attributeTypes":["C","B"],"data":[["1","0"]]}`)
	known := []bool{true, true, false, false}
	r := rand.New(rand.NewPCG(31, 32))
	var rows Rows
	for trial := range 4000 {
		// Columns: c (C, known), b (B, known), n (C, unknown to the project), m (B, unknown).
		f := &dataframe.Frame{
			Names: [][]byte{[]byte("c"), []byte("b"), []byte("n"), []byte("m")},
			Kinds: []dataframe.Type{dataframe.TypeC, dataframe.TypeB, dataframe.TypeC, dataframe.TypeB},
			Base:  []int{-1, -1, -1, -1},
			Rows:  1 + r.IntN(3),
		}
		for range f.Rows * len(f.Names) {
			v := 0.0 // mostly valid values, so that one bad value decides
			if r.IntN(4) == 0 {
				v = hostile[r.IntN(len(hostile))]
			} else if r.IntN(2) == 0 {
				v = float64(r.IntN(2))
			}
			f.Vals = append(f.Vals, v)
		}
		want := valuesOKRef(f)
		if got := rows.valuesOK(f, len(f.Names)); got != want {
			t.Fatalf("trial %d, values %v: valuesOK %v, reference %v", trial, f.Vals, got, want)
		}
		err := rows.SetFrame(f)
		if (err == nil) != want {
			t.Fatalf("trial %d, values %v: SetFrame %v, reference %v", trial, f.Vals, err, want)
		}
		if err != nil {
			continue
		}
		err = p.CheckRows(&rows, -1, p.lim.get(), nil)
		unknown := err != nil && strings.Contains(err.Error(), "never learned")
		if unknown == forgetOKRef(f, known) {
			t.Fatalf("trial %d, values %v: forget %v, reference %v", trial, f.Vals, err, forgetOKRef(f, known))
		}
	}
}

// TestPartitionsEqualTheirOwnFrames: in a partition project, each partition's summary is,
// bit for bit, a cpu project's summary fed only that partition's rows of every message, in
// order — its rows are grouped, not interleaved with other partitions' blocks.
func TestPartitionsEqualTheirOwnFrames(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	part := newTestProject(t, "partition", map[string]string{"partitionSplit": "g"})
	own := map[string]*Project{}
	names := []string{"x", "y", "b", "g"}
	type message struct {
		rows   [][]string
		byPart map[string][][]string
	}
	var msgs []message
	apply := func(m message, sign float64) {
		do := learn
		if sign < 0 {
			do = forget
		}
		do(t, part, dfJSON(names, "CCBS", m.rows))
		for g, rs := range m.byPart {
			if own[g] == nil {
				own[g] = newTestProject(t, "", nil)
			}
			do(t, own[g], dfJSON(names[:3], "CCB", rs))
		}
	}
	for i := range 6 {
		m := message{rows: make([][]string, 50+blockRows*(i%3)), byPart: map[string][][]string{}}
		for j := range m.rows {
			g := []string{"u", "v", "w"}[r.IntN(3)]
			m.rows[j] = []string{strconv.FormatFloat(r.NormFloat64()*5+100, 'g', -1, 64),
				strconv.FormatFloat(1e9+r.NormFloat64(), 'g', -1, 64), strconv.Itoa(r.IntN(2)), g}
			m.byPart[g] = append(m.byPart[g], m.rows[j][:3])
		}
		msgs = append(msgs, m)
		apply(m, 1)
	}
	apply(msgs[1], -1)
	apply(msgs[4], -1)
	for g, q := range own {
		got := part.parts[g].appendBinary(nil)
		want := q.total.appendBinary(nil)
		if !bytes.Equal(got, want) {
			t.Errorf("partition %q differs from a project fed its rows alone", g)
		}
	}
}

// TestLearnAllocs: learning and forgetting a 1000 × 15 frame allocates nothing once the
// project has its attributes, in a cpu and in a partition project: the Rows, their checks,
// the reservation and the blocked accumulation (the store's apply path is
// store.TestLearnAllocs).
func TestLearnAllocs(t *testing.T) {
	if predictRaceEnabled {
		t.Skip("the race detector allocates")
	}
	r := rand.New(rand.NewPCG(35, 36))
	rows := make([][]string, 1000)
	for i := range rows {
		rows[i] = []string{strconv.FormatFloat(r.NormFloat64(), 'g', -1, 64), strconv.Itoa(r.IntN(2)),
			[]string{"a", "b", "c"}[r.IntN(3)], []string{"u", "v"}[r.IntN(2)]}
	}
	payload := []byte(dfJSON([]string{"x", "b", "t", "g"}, "CBTS", rows))
	for _, typ := range []string{"cpu", "partition"} {
		p := newTestProject(t, typ, map[string]string{"partitionSplit": "g"})
		var parser dataframe.Parser
		msg := payload
		if typ == "cpu" { // the partition column ignored
			msg = bytes.Replace(payload, []byte(`"S"]`), []byte(`"X"]`), 1)
		}
		f, err := parser.Parse(msg, dataframe.Options{PartitionColumn: p.PartitionColumn()})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Learn(f); err != nil {
			t.Fatal(err)
		}
		i := 0
		allocs := testing.AllocsPerRun(20, func() {
			var err error
			if i++; i%2 == 1 {
				err = p.Learn(f)
			} else {
				err = p.Forget(f)
			}
			if err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocs per learn or forget, want 0", typ, allocs)
		}
	}
}
