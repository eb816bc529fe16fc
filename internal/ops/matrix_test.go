package ops

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// matrixOf is the matrix of rows [lo, hi) of ds with the columns of ds.PredictJSON:
// "unused" (42), then the inputs in reverse order. nan lists cells (row, column) made NaN.
func matrixOf(ds *testkit.Dataset, lo, hi int) (names [][]byte, data []byte) {
	names = append(names, []byte("unused"))
	for j := ds.D - 1; j >= 0; j-- {
		names = append(names, []byte("x"+strconv.Itoa(j)))
	}
	for i := lo; i < hi; i++ {
		data = binary.LittleEndian.AppendUint64(data, math.Float64bits(42))
		for j := ds.D - 1; j >= 0; j-- {
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(ds.Rows[i][j]))
		}
	}
	return names, data
}

// builtService has project p of customer c1 with 300 generated rows and model m1 built
// with algo (target t, or the category k for mlda).
func builtService(t *testing.T, algo string) (*Service, *testkit.Dataset) {
	t.Helper()
	s, _ := open(t, testConfig(t), nil)
	ds := testkit.NewDataset(5, 300, 4)
	if err := s.Create(c1, "p", "", nil); err != nil {
		t.Fatal(err)
	}
	sc := s.Scratch()
	defer s.Release(sc)
	if _, err := s.Learn(sc, c1, "p", []byte(ds.FrameJSON(0, 300))); err != nil {
		t.Fatal(err)
	}
	target := "t"
	if algo == "mlda" {
		target = "k"
	}
	id, err := s.Build(c1, &BuildArgs{PID: "p", Algo: algo, ModelID: "m1", Context: model.MLContext{InputNames: ds.InputNames(), TargetNames: []string{target}}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the build", func() bool { js, err := s.Job(c1, id); return err == nil && js.Done })
	if js, _ := s.Job(c1, id); js.Status != protocol.StatusOK {
		t.Fatalf("build: %+v", js)
	}
	return s, ds
}

// TestPredictMatrixLikePredict: a matrix scores like the DataFrame of the same names and
// values, to the bit, missing values (NaN, an empty cell) included.
func TestPredictMatrixLikePredict(t *testing.T) {
	for _, algo := range []string{"lda", "mlda", "mlr"} {
		s, ds := builtService(t, algo)
		sc := s.Scratch()
		names, data := matrixOf(ds, 0, 50)
		// Row 3 lacks x1: NaN in the matrix, an empty cell in the DataFrame.
		binary.LittleEndian.PutUint64(data[8*(3*5+3):], math.Float64bits(math.NaN()))
		frame := strings.Replace(ds.PredictJSON(0, 50), `"`+strconv.FormatFloat(ds.Rows[3][1], 'g', -1, 64)+`"`, `""`, 1)
		preds, err := s.Predict(sc, c1, &PredictArgs{PID: "p", ModelID: "m1", Frame: []byte(frame)})
		if err != nil {
			t.Fatal(err)
		}
		want := make([][]float64, preds.Rows())
		for i := range want {
			row, _ := preds.Row(i)
			want[i] = append([]float64(nil), row...)
		}
		var pl model.Plan
		for _, plan := range []*model.Plan{nil, &pl, &pl} {
			mx, err := s.PredictMatrix(sc, c1, &MatrixArgs{PID: "p", ModelID: "m1", Columns: names, Rows: 50, Data: data, Plan: plan})
			if err != nil {
				t.Fatal(err)
			}
			k := len(mx.Model().Outputs())
			if mx.Rows() != 50 || len(mx.Values()) != 50*k {
				t.Fatalf("%s: %d rows, %d values", algo, mx.Rows(), len(mx.Values()))
			}
			for i, w := range want {
				for j, v := range w {
					if g := mx.Values()[i*k+j]; math.Float64bits(g) != math.Float64bits(v) {
						t.Fatalf("%s row %d output %d: matrix %v, DataFrame %v", algo, i, j, g, v)
					}
				}
			}
		}
		s.Release(sc)
	}
}

// TestPredictMatrixRefusals: every refusal of a matrix is BAD_REQUEST with its reason, and
// a limit's is counted.
func TestPredictMatrixRefusals(t *testing.T) {
	s, ds := builtService(t, "lda")
	sc := s.Scratch()
	defer s.Release(sc)
	names, data := matrixOf(ds, 0, 2)
	inf := append([]byte(nil), data...)
	binary.LittleEndian.PutUint64(inf[8*5:], math.Float64bits(math.Inf(1)))
	long := make([][]byte, 10_001)
	for i := range long {
		long[i] = []byte("c" + strconv.Itoa(i))
	}
	cases := []struct {
		name string
		a    MatrixArgs
		want string
	}{
		{"unknown project", MatrixArgs{PID: "q", ModelID: "m1"}, "cannot find project"},
		{"unknown model", MatrixArgs{PID: "p", ModelID: "m2"}, "cannot find model"},
		{"short data", MatrixArgs{Columns: names, Rows: 2, Data: data[:len(data)-1]}, `"data" holds 79 bytes, not rows × columns × 8 = 2 × 5 × 8`},
		{"negative rows", MatrixArgs{Columns: names, Rows: -1}, `"rows" must not be negative`},
		{"too many rows", MatrixArgs{Columns: names, Rows: 1_000_001}, "the limit is 1000000"},
		{"a name twice", MatrixArgs{Columns: [][]byte{[]byte("x0"), []byte("x0")}, Rows: 0}, `"x0" appears twice`},
		{"a bad name", MatrixArgs{Columns: [][]byte{[]byte("x\n")}, Rows: 0}, "attribute name"},
		{"too many columns", MatrixArgs{Columns: long, Rows: 0}, "the limit is 10000"},
		{"infinite value", MatrixArgs{Columns: names, Rows: 2, Data: inf}, `row 1, column "unused": +Inf is not a finite number`},
	}
	for _, c := range cases {
		if c.a.PID == "" {
			c.a.PID, c.a.ModelID = "p", "m1"
		}
		_, err := s.PredictMatrix(sc, c1, &c.a)
		r := refusalOf(t, err)
		if r.Status != protocol.StatusBadRequest || !strings.Contains(r.Msg, c.want) {
			t.Errorf("%s: %v %q, want BAD_REQUEST %q", c.name, r.Status, r.Msg, c.want)
		}
	}
	if _, err := s.PredictMatrix(sc, c2, &MatrixArgs{PID: "p", ModelID: "m1", Columns: names, Rows: 2, Data: data}); !strings.Contains(refusalOf(t, err).Msg, "cannot find project") {
		t.Fatal("another customer's project was found")
	}
	if mx, err := s.PredictMatrix(sc, c1, &MatrixArgs{PID: "p", ModelID: "m1"}); err != nil || mx.Rows() != 0 {
		t.Fatalf("an empty matrix: %v", err)
	}
}

// TestPredictMatrixAllocs: scoring 1000 rows allocates nothing after warm-up.
func TestPredictMatrixAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	s, ds := builtService(t, "lda")
	sc := s.Scratch()
	defer s.Release(sc)
	var names [][]byte
	var data []byte
	for len(data) < 1000*5*8 {
		n, d := matrixOf(ds, 0, 250)
		names, data = n, append(data, d...)
	}
	var pl model.Plan
	a := &MatrixArgs{PID: "p", ModelID: "m1", Columns: names, Rows: 1000, Data: data, Plan: &pl}
	if _, err := s.PredictMatrix(sc, c1, a); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(50, func() {
		if _, err := s.PredictMatrix(sc, c1, a); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("%v allocations per 1000-row matrix", n)
	}
}

// TestLearnBinaryLikeLearn: a binary DataFrame learns (and forgets) what the JSON
// DataFrame of the same values does: the same statistics, bit for bit.
func TestLearnBinaryLikeLearn(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	sc := s.Scratch()
	defer s.Release(sc)
	ds := testkit.NewDataset(9, 40, 3)
	b := &dataframe.Binary{Rows: 40}
	var rows [][]string
	for _, n := range []string{"x0", "x1", "x2", "t"} {
		b.Names = append(b.Names, []byte(n))
	}
	b.Types = [][]byte{[]byte("C"), []byte("C"), []byte("C"), []byte("B")}
	for _, r := range ds.Rows {
		var cells []string
		for _, v := range r {
			b.Data = binary.LittleEndian.AppendUint64(b.Data, math.Float64bits(v))
			cells = append(cells, strconv.FormatFloat(v, 'g', -1, 64))
		}
		rows = append(rows, cells)
	}
	js := testkit.FrameJSON([]string{"x0", "x1", "x2", "t"}, []string{"C", "C", "C", "B"}, rows, -1)
	for _, pid := range []string{"bin", "json"} {
		if err := s.Create(c1, pid, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := s.LearnBinary(sc, c1, "bin", b); err != nil || res.Applied != 40 {
		t.Fatalf("LearnBinary: %+v %v", res, err)
	}
	if _, err := s.Learn(sc, c1, "json", js); err != nil {
		t.Fatal(err)
	}
	b.Rows, b.Data = 10, b.Data[:10*4*8]
	if _, err := s.ForgetBinary(sc, c1, "bin", b); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Forget(sc, c1, "json", testkit.FrameJSON([]string{"x0", "x1", "x2", "t"}, []string{"C", "C", "C", "B"}, rows[:10], -1)); err != nil {
		t.Fatal(err)
	}
	var ctx []model.MLContext
	for i, a := range []string{"x0", "x1", "x2", "t"} {
		for _, b := range []string{"x0", "x1", "x2", "t"}[i+1:] {
			ctx = append(ctx, model.MLContext{InputNames: []string{a, b}})
		}
	}
	got, err := s.Explore(c1, "bin", "bi", ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.Explore(c1, "json", "bi", ctx)
	if err != nil {
		t.Fatal(err)
	}
	for c := range ctx {
		if len(got[c]) == 0 || len(got[c]) != len(want[c]) {
			t.Fatalf("%d statistics, want %d", len(got[c]), len(want[c]))
		}
		for i := range got[c] {
			if g, w := got[c][i], want[c][i]; g.Key != w.Key || math.Float64bits(g.Value) != math.Float64bits(w.Value) {
				t.Fatalf("%v %s: binary %v, JSON %v", ctx[c].InputNames, g.Key, g.Value, w.Value)
			}
		}
	}
	if _, err := s.LearnBinary(sc, c1, "bin", &dataframe.Binary{Names: b.Names, Types: b.Types, Rows: 1, Data: b.Data[:8]}); refusalOf(t, err).Status != protocol.StatusBadRequest {
		t.Fatal("a short binary frame was learned")
	}
}
