package model

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// mixedJSON is a DataFrame of rows [lo, hi) of a fixed pseudo-random table: two C columns
// far from 0 (mean 1e6, sd 1, and mean −3, sd 100), a B column, a T column of 7 values and
// the partition column g (4 values).
func mixedJSON(lo, hi int) string { return mixedJSONg(lo, hi, "S") }

// mixedJSONg is mixedJSON with the column g typed gType (X for a cpu project).
func mixedJSONg(lo, hi int, gType string) string {
	rows := make([][]string, 0, hi-lo)
	for i := lo; i < hi; i++ {
		r := rand.New(rand.NewPCG(uint64(i), 99))
		rows = append(rows, []string{
			strconv.FormatFloat(1e6+r.NormFloat64(), 'g', -1, 64),
			strconv.FormatFloat(-3+100*r.NormFloat64(), 'g', -1, 64),
			strconv.Itoa(r.IntN(2)),
			"v" + strconv.Itoa(r.IntN(7)),
			"g" + strconv.Itoa(r.IntN(4)),
		})
	}
	return dfJSON([]string{"big", "wide", "flag", "kind", "g"}, "CCBT"+gType, rows)
}

func newPartitionProject(t testing.TB) *Project {
	return newTestProject(t, TypePartition, map[string]string{"partitionSplit": "g"})
}

var partOpts = dataframe.Options{PartitionColumn: "g"}

// sameMoments fails unless got and want summarise the same rows: equal counts, means and
// co-moments within tol relative to each quantity's scale, attributes matched by name.
func sameMoments(t *testing.T, what string, got, want *Snapshot, tol float64) {
	t.Helper()
	cmp := func(what string, g, w Moments) {
		t.Helper()
		if g.N != w.N {
			t.Fatalf("%s: n %d, want %d", what, g.N, w.N)
		}
		for i, name := range want.Names {
			gi, ok := got.Index(name)
			if !ok {
				t.Fatalf("%s: no attribute %s", what, name)
			}
			sd := math.Sqrt(w.At(i, i) / float64(max(w.N, 1)))
			if d := math.Abs(g.Mean[gi] - w.Mean[i]); d > tol*math.Max(math.Abs(w.Mean[i]), sd) {
				t.Fatalf("%s: mean of %s %v, want %v", what, name, g.Mean[gi], w.Mean[i])
			}
			for j, name2 := range want.Names {
				gj, _ := got.Index(name2)
				scale := math.Sqrt(w.At(i, i) * w.At(j, j))
				if d := math.Abs(g.At(gi, gj) - w.At(i, j)); d > tol*scale {
					t.Fatalf("%s: M[%s,%s] %v, want %v (rel %g)", what, name, name2, g.At(gi, gj), w.At(i, j), d/scale)
				}
			}
			if got.Min[gi] != want.Min[i] || got.Max[gi] != want.Max[i] {
				t.Fatalf("%s: extremes of %s [%v, %v], want [%v, %v]", what, name, got.Min[gi], got.Max[gi], want.Min[i], want.Max[i])
			}
		}
	}
	if len(got.Names) != len(want.Names) {
		t.Fatalf("%s: %d attributes, want %d", what, len(got.Names), len(want.Names))
	}
	cmp(what+" total", got.Total, want.Total)
	if len(got.Partitions) != len(want.Partitions) {
		t.Fatalf("%s: %d partitions, want %d", what, len(got.Partitions), len(want.Partitions))
	}
	for k := range want.Partitions {
		if got.Partitions[k].Value != want.Partitions[k].Value {
			t.Fatalf("%s: partition %q, want %q", what, got.Partitions[k].Value, want.Partitions[k].Value)
		}
		cmp(what+" partition "+want.Partitions[k].Value, got.Partitions[k].Moments, want.Partitions[k].Moments)
	}
}

// TestDeltaPartsEqualFrames: 3000 rows summarised in four parts of 100-row frames, the
// parts merged and applied as one delta, equal (1e-12 relative) the same rows learned
// through the frames; forgetting a delta of some of them equals never having learned them.
func TestDeltaPartsEqualFrames(t *testing.T) {
	want := newPartitionProject(t)
	for lo := 0; lo < 3000; lo += 100 {
		learn(t, want, mixedJSON(lo, lo+100))
	}
	parts := make([]*Delta, 4)
	for k := range parts {
		parts[k] = NewDelta(true)
		for lo := k * 750; lo < (k+1)*750; lo += 100 {
			if err := parts[k].AddFrame(frame(t, mixedJSON(lo, min(lo+100, (k+1)*750)), partOpts)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, o := range parts[1:] {
		if err := parts[0].Merge(o); err != nil {
			t.Fatal(err)
		}
	}
	if parts[0].Rows() != 3000 || parts[0].Partitions() != 4 || parts[0].Width() != 10 {
		t.Fatalf("merged delta: %d rows, %d partitions, %d columns", parts[0].Rows(), parts[0].Partitions(), parts[0].Width())
	}
	got := newPartitionProject(t)
	if err := got.ApplyDelta(parts[0], 1, Limits{}, Stamp{Seq: 1}); err != nil {
		t.Fatal(err)
	}
	sameMoments(t, "parts", got.Snapshot(), want.Snapshot(), 1e-12)

	// Forget rows [1000, 1700) by delta: equal to learning the rest only.
	rest := newPartitionProject(t)
	for _, r := range [][2]int{{0, 1000}, {1700, 3000}} {
		learn(t, rest, mixedJSON(r[0], r[1]))
	}
	fd := NewDelta(true)
	if err := fd.AddFrame(frame(t, mixedJSON(1000, 1700), partOpts)); err != nil {
		t.Fatal(err)
	}
	if err := got.CheckDelta(fd, -1, Limits{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := got.ApplyDelta(fd, -1, Limits{}, Stamp{Seq: 2}); err != nil {
		t.Fatal(err)
	}
	gs, ws := got.Snapshot(), rest.Snapshot()
	gs.Min, gs.Max = ws.Min, ws.Max // forget never narrows the extremes
	sameMoments(t, "forget", gs, ws, 1e-12)
	// Forgetting everything that is left empties the project exactly.
	all := NewDelta(true)
	for _, r := range [][2]int{{0, 1000}, {1700, 3000}} {
		if err := all.AddFrame(frame(t, mixedJSON(r[0], r[1]), partOpts)); err != nil {
			t.Fatal(err)
		}
	}
	if err := got.ApplyDelta(all, -1, Limits{}, Stamp{Seq: 3}); err != nil {
		t.Fatal(err)
	}
	s := got.Snapshot()
	if s.Total.N != 0 || len(s.Partitions) != 0 || got.Seq() != 3 {
		t.Fatalf("after forgetting everything: n %d, %d partitions", s.Total.N, len(s.Partitions))
	}
	for _, v := range s.Total.M {
		if v != 0 {
			t.Fatalf("co-moment %v left after forgetting everything", v)
		}
	}
}

// TestDeltaApplyIsOneMerge: a delta of a cpu project's rows applied on top of earlier rows
// (new attributes, a first-row shift far from the project's) agrees with learning them row
// by row; extremes widen.
func TestDeltaApplyIsOneMerge(t *testing.T) {
	want, got := newTestProject(t, "", nil), newTestProject(t, "", nil)
	first := `{"attributeNames":["wide"],"attributeTypes":["C"],"data":[["-5000"],["7"]]}`
	learn(t, want, first)
	learn(t, got, first)
	learn(t, want, mixedJSONg(0, 500, "X"))
	d := NewDelta(false)
	if err := d.AddFrame(frame(t, mixedJSONg(0, 500, "X"), dataframe.Options{})); err != nil {
		t.Fatal(err)
	}
	if err := got.ApplyDelta(d, 1, Limits{}, Stamp{}); err != nil {
		t.Fatal(err)
	}
	sameMoments(t, "cpu", got.Snapshot(), want.Snapshot(), 1e-12)
	if s := got.Snapshot(); s.Min[0] != -5000 {
		t.Fatalf("min of wide %v", s.Min[0])
	}
}

// TestDeltaIntoEmptyIsTheRows: a delta of messages learned into an empty project makes
// the statistics the messages themselves make there, bit for bit (the accumulation of a
// delta is the project's), in a cpu and in a partition project; messages of more than one
// block of rows, with a T column.
func TestDeltaIntoEmptyIsTheRows(t *testing.T) {
	for _, c := range []struct {
		name  string
		gType string
		opts  dataframe.Options
	}{{"cpu", "X", dataframe.Options{}}, {"partition", "S", partOpts}} {
		want, got := newTestProject(t, "", nil), newTestProject(t, "", nil)
		if c.gType == "S" {
			want, got = newPartitionProject(t), newPartitionProject(t)
		}
		msg := mixedJSONg(0, 3*blockRows+17, c.gType)
		learn(t, want, msg)
		d := NewDelta(c.gType == "S")
		if err := d.AddFrame(frame(t, msg, c.opts)); err != nil {
			t.Fatal(err)
		}
		if err := got.ApplyDelta(d, 1, Limits{}, Stamp{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(statsBytes(got), statsBytes(want)) {
			t.Fatalf("%s: the delta's statistics differ from the rows'", c.name)
		}
	}
}

// TestDeltaRefusals: every refusal of ApplyDelta changes nothing, Seq included; CheckDelta
// refuses the same.
func TestDeltaRefusals(t *testing.T) {
	p := newPartitionProject(t)
	learn(t, p, mixedJSON(0, 50))
	delta := func(payload string, partitioned bool) *Delta {
		d := NewDelta(partitioned)
		opts := dataframe.Options{}
		if partitioned {
			opts = partOpts
		}
		if err := d.AddFrame(frame(t, payload, opts)); err != nil {
			t.Fatal(err)
		}
		return d
	}
	many := delta(mixedJSON(0, 60), true)
	otherPart := delta(`{"attributeNames":["big","g"],"attributeTypes":["C","S"],"data":[["1","zz"]]}`, true)
	unknown := delta(`{"attributeNames":["nope","g"],"attributeTypes":["C","S"],"data":[["1","g1"]]}`, true)
	kind := delta(`{"attributeNames":["flag","g"],"attributeTypes":["C","S"],"data":[["7","g1"]]}`, true)
	cpu := delta(`{"attributeNames":["big"],"attributeTypes":["C"],"data":[["1"]]}`, false)
	wide := delta(`{"attributeNames":["n1","n2","g"],"attributeTypes":["C","C","S"],"data":[["1","2","g1"]]}`, true)
	for _, c := range []struct {
		name string
		d    *Delta
		sign int
		lim  Limits
		want error
	}{
		{"forget more rows", many, -1, Limits{}, ErrNegativeCount},
		{"forget a partition it lacks", otherPart, -1, Limits{}, ErrNegativeCount},
		{"forget an attribute it lacks", unknown, -1, Limits{}, nil},
		{"kind", kind, 1, Limits{}, nil},
		{"not partitioned", cpu, 1, Limits{}, nil},
		{"new attributes", wide, 1, Limits{MaxNewAttributes: 1}, ErrTooManyNewAttributes},
		{"attributes", wide, 1, Limits{MaxAttributes: 10}, ErrTooManyAttributes},
		{"partitions", otherPart, 1, Limits{MaxPartitions: 4}, ErrTooManyPartitions},
		{"state", wide, 1, Limits{MaxStateBytes: 5000}, ErrStateTooLarge},
	} {
		err := unchanged(t, p, func() error { return p.ApplyDelta(c.d, c.sign, c.lim, Stamp{Seq: 99}) })
		var me *Error
		if !errors.As(err, &me) || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
		if cerr := p.CheckDelta(c.d, c.sign, c.lim, nil); cerr == nil || cerr.Error() != err.Error() {
			t.Errorf("%s: CheckDelta says %v, ApplyDelta %v", c.name, cerr, err)
		}
		if p.Seq() == 99 {
			t.Fatalf("%s: a refused delta was stamped", c.name)
		}
	}
	p.SetFrozen(true)
	if err := unchanged(t, p, func() error { return p.ApplyDelta(wide, 1, Limits{}, Stamp{Seq: 99}) }); !errors.Is(err, ErrFrozen) {
		t.Fatalf("frozen: %v", err)
	}
}

// deltaSeeds are encodings of real deltas: cpu and partitioned, with T columns.
func deltaSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, partitioned := range []bool{false, true} {
		d := NewDelta(partitioned)
		payload, opts := mixedJSONg(0, 40, "X"), dataframe.Options{}
		if partitioned {
			payload, opts = mixedJSON(0, 40), partOpts
		}
		if err := d.AddFrame(frame(t, payload, opts)); err != nil {
			t.Fatal(err)
		}
		out = append(out, d.AppendBinary(nil))
	}
	return out
}

// TestDeltaCodec: decode → encode gives the same bytes, the decoded delta applies to the
// same bits as the original; every truncation and a delta past the limits are refused;
// T columns' co-moments, mostly zero, cost little.
func TestDeltaCodec(t *testing.T) {
	for i, enc := range deltaSeeds(t) {
		var d Delta
		if err := d.Decode(enc, Limits{}); err != nil {
			t.Fatal(err)
		}
		if again := d.AppendBinary(nil); !bytes.Equal(again, enc) {
			t.Fatalf("seed %d: re-encoding differs", i)
		}
		orig := NewDelta(d.Partitioned())
		if err := orig.Decode(enc, Limits{}); err != nil {
			t.Fatal(err)
		}
		a, b := newPartitionProject(t), newPartitionProject(t)
		if !d.Partitioned() {
			a, b = newTestProject(t, "", nil), newTestProject(t, "", nil)
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(a.ApplyDelta(&d, 1, Limits{}, Stamp{Seq: 1}))
		must(b.ApplyDelta(orig, 1, Limits{}, Stamp{Seq: 1}))
		if !bytes.Equal(stateBytes(t, a), stateBytes(t, b)) {
			t.Fatalf("seed %d: decoded deltas apply differently", i)
		}
		for n := range len(enc) {
			if err := d.Decode(enc[:n], Limits{}); err == nil {
				t.Fatalf("seed %d: %d of %d bytes decoded", i, n, len(enc))
			}
		}
		if err := d.Decode(enc, Limits{MaxAttributes: 9}); err == nil {
			t.Fatalf("seed %d: decoded past MaxAttributes", i)
		}
		if err := d.Decode(enc, Limits{MaxStateBytes: 1000}); err == nil {
			t.Fatalf("seed %d: decoded past MaxStateBytes", i)
		}
	}
	// A T column of 200 values over 200 rows: d = 201, a dense encoding would take 16 ×
	// 20301 bytes per summary.
	rows := make([][]string, 200)
	for i := range rows {
		rows[i] = []string{strconv.Itoa(i), "v" + strconv.Itoa(i)}
	}
	d := NewDelta(false)
	if err := d.AddFrame(frame(t, dfJSON([]string{"x", "t"}, "CT", rows), dataframe.Options{})); err != nil {
		t.Fatal(err)
	}
	if n := len(d.AppendBinary(nil)); n > 20_000 {
		t.Fatalf("a delta of 200 one-hot columns takes %d bytes", n)
	}
}

// TestRowsCodec: a frame with C, B, T and partition columns round-trips through the rows
// encoding; applying the decoded rows gives the same bits as the frame's; the encoding
// holds each T value once per message, never the expansion; truncations and bad values
// are refused.
func TestRowsCodec(t *testing.T) {
	f := frame(t, mixedJSON(0, 300), partOpts)
	var r, back Rows
	if err := r.SetFrame(f); err != nil {
		t.Fatal(err)
	}
	enc := r.AppendBinary(nil)
	if err := back.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}
	if again := back.AppendBinary(nil); !bytes.Equal(again, enc) {
		t.Fatal("re-encoding differs")
	}
	a, b := newPartitionProject(t), newPartitionProject(t)
	if err := a.Learn(f); err != nil {
		t.Fatal(err)
	}
	if err := b.ApplyRows(&back, 1, Limits{}, Stamp{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(statsBytes(a), statsBytes(b)) {
		t.Fatal("the decoded rows learn differently")
	}
	// 300 rows × (2 C + 1 B) × 8 bytes, a byte or two per row for the T value, the
	// partition values; never 300 × 7 expanded columns.
	if n := len(enc); n > 300*(24+2+4)+200 {
		t.Fatalf("rows encoding of %d bytes", n)
	}
	for n := range len(enc) {
		if err := back.UnmarshalBinary(enc[:n]); err == nil {
			t.Fatalf("%d of %d bytes decoded", n, len(enc))
		}
	}
	bad := []string{
		`{"attributeNames":["x"],"attributeTypes":["B"],"data":[["1"]]}`,
	}
	for _, payload := range bad {
		var rr Rows
		if err := rr.SetFrame(frame(t, payload, dataframe.Options{})); err != nil {
			t.Fatal(err)
		}
		e := rr.AppendBinary(nil)
		e[len(e)-8+7] = 0x40 // the only value becomes 2: not 0 or 1
		if err := back.UnmarshalBinary(e); err == nil {
			t.Fatal("a B value of 2 decoded")
		}
		e[len(e)-8+7] = 0x7f
		e[len(e)-8+6] = 0xf8 // NaN
		if err := back.UnmarshalBinary(e); err == nil {
			t.Fatal("NaN decoded")
		}
	}
}

// TestRowsSetFrameRefusals: values a project cannot learn are refused with the row and
// column.
func TestRowsSetFrameRefusals(t *testing.T) {
	for _, c := range []struct {
		f    dataframe.Frame
		want string
	}{
		{dataframe.Frame{Names: [][]byte{[]byte("x")}, Kinds: []dataframe.Type{dataframe.TypeC}, Base: []int{-1}, Rows: 1, Vals: []float64{math.Inf(1)}}, "not a finite number"},
		{dataframe.Frame{Names: [][]byte{[]byte("x")}, Kinds: []dataframe.Type{dataframe.TypeC}, Base: []int{-1}, Rows: 1, Vals: []float64{2e100}}, "beyond"},
		{dataframe.Frame{Names: [][]byte{[]byte("y")}, Kinds: []dataframe.Type{dataframe.TypeB}, Base: []int{-1}, Rows: 1, Vals: []float64{0.5}}, "not 0 or 1"},
		{dataframe.Frame{Names: [][]byte{[]byte("y")}, Kinds: []dataframe.Type{dataframe.TypeB}, Base: []int{0}, Rows: 1, Vals: []float64{1},
			SourceNames: [][]byte{[]byte("t")}}, "not named after"},
		{dataframe.Frame{Names: [][]byte{[]byte("x")}, Kinds: []dataframe.Type{dataframe.TypeC}, Base: []int{-1}, Rows: 2, Vals: []float64{1}}, "malformed"},
	} {
		var r Rows
		err := r.SetFrame(&c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.f.Names, err, c.want)
		}
	}
}

// FuzzRowsDecode: decoding never panics; what decodes re-encodes to the same bytes.
func FuzzRowsDecode(f *testing.F) {
	for _, c := range []struct {
		payload string
		opts    dataframe.Options
	}{{mixedJSON(0, 5), partOpts}, {mixedJSONg(0, 5, "X"), dataframe.Options{}}, {twoRows, dataframe.Options{}}} {
		var r Rows
		if err := r.SetFrame(frame(f, c.payload, c.opts)); err != nil {
			f.Fatal(err)
		}
		f.Add(r.AppendBinary(nil))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Rows
		if r.UnmarshalBinary(data) != nil {
			return
		}
		if enc := r.AppendBinary(nil); !bytes.Equal(enc, data) {
			// Varints may be written longer than needed; the decoded rows must round-trip.
			var again Rows
			if err := again.UnmarshalBinary(enc); err != nil || !bytes.Equal(again.AppendBinary(nil), enc) {
				t.Fatalf("round trip: %v", err)
			}
		}
	})
}

// FuzzDeltaDecode: decoding never panics nor allocates past the limits; what decodes
// re-encodes and decodes to the same bytes.
func FuzzDeltaDecode(f *testing.F) {
	for _, enc := range deltaSeeds(f) {
		f.Add(enc)
	}
	lim := Limits{MaxAttributes: 64, MaxPartitions: 64, MaxStateBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d Delta
		if d.Decode(data, lim) != nil {
			return
		}
		enc := d.AppendBinary(nil)
		var again Delta
		if err := again.Decode(enc, lim); err != nil || !bytes.Equal(again.AppendBinary(nil), enc) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// learnByDelta learns a frame as a delta of its rows.
func learnByDelta(p *Project, f *dataframe.Frame) error {
	d := NewDelta(p.Type() == TypePartition)
	if err := d.AddFrame(f); err != nil {
		return err
	}
	return p.ApplyDelta(d, 1, Limits{}, Stamp{})
}

// TestStatsGoldenThroughDeltas: the golden iris and diabetes statistics, learned as one
// delta per DataFrame, at the golden tolerance.
func TestStatsGoldenThroughDeltas(t *testing.T) {
	learnVia = learnByDelta
	defer func() { learnVia = (*Project).Learn }()
	t.Run("iris", TestStatsGoldenIrisThroughEngine)
	t.Run("diabetes", TestStatsGoldenDiabetesThroughEngine)
}
