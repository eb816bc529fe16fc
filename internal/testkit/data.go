package testkit

import (
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
)

// FrameJSON is a DataFrame's JSON; errorHandling < 0 leaves the key out.
func FrameJSON(names, types []string, rows [][]string, errorHandling int) []byte {
	df := map[string]any{"attributeNames": names, "attributeTypes": types, "data": rows}
	if errorHandling >= 0 {
		df["errorHandling"] = errorHandling
	}
	b, err := json.Marshal(df)
	if err != nil {
		panic(err)
	}
	return b
}

// ParseFrame parses a learn DataFrame, failing the test if it is refused.
func ParseFrame(t testing.TB, payload string) *dataframe.Frame {
	t.Helper()
	var p dataframe.Parser
	f, err := p.Parse([]byte(payload), dataframe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Iris, from testdata/iris.csv (written by clients/testdata/gen_iris.py from
// model/testdata/iris_classifiers.json): four measurements, the species as a category, and
// one 0/1 column per species.
var (
	IrisNames = []string{"sepal_length", "sepal_width", "petal_length", "petal_width", "species", "Iris_setosa", "Iris_versicolor", "Iris_virginica"}
	IrisTypes = []string{"C", "C", "C", "C", "T", "B", "B", "B"}
)

//go:embed testdata/iris.csv
var irisCSV string

// IrisRows are the 150 rows of iris, cells as text.
func IrisRows(t testing.TB) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(irisCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(IrisNames, ",") || len(rows) != 151 {
		t.Fatalf("testdata/iris.csv: header %v, %d lines", rows[0], len(rows))
	}
	return rows[1:]
}

// Dataset is generated rows with continuous columns x0..x{d-1}, a binary target t that
// depends on them, and a category k.
type Dataset struct {
	D    int
	Rows [][]float64 // D inputs, then t
	Cats []string
}

// NewDataset generates n rows of d inputs from seed.
func NewDataset(seed uint64, n, d int) *Dataset {
	r := rand.New(rand.NewPCG(seed, seed+1))
	ds := &Dataset{D: d}
	for range n {
		row := make([]float64, d+1)
		s := 0.0
		for j := range d {
			row[j] = math.Round(r.NormFloat64()*1000+float64(j)*100) / 100
			s += row[j] * float64(j%3-1)
		}
		if s+r.NormFloat64()*3 > 0 {
			row[d] = 1
		}
		ds.Rows = append(ds.Rows, row)
		ds.Cats = append(ds.Cats, []string{"red", "green", "blue"}[r.IntN(3)])
	}
	return ds
}

// FrameJSON is the learn DataFrame of rows [lo, hi).
func (ds *Dataset) FrameJSON(lo, hi int) string {
	var b strings.Builder
	b.WriteString(`{"attributeNames":[`)
	for j := range ds.D {
		fmt.Fprintf(&b, `"x%d",`, j)
	}
	b.WriteString(`"t","k"],"attributeTypes":[`)
	for range ds.D {
		b.WriteString(`"C",`)
	}
	b.WriteString(`"B","T"],"data":[`)
	for i := lo; i < hi; i++ {
		if i > lo {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for _, v := range ds.Rows[i] {
			fmt.Fprintf(&b, `"%s",`, strconv.FormatFloat(v, 'g', -1, 64))
		}
		fmt.Fprintf(&b, `"%s"]`, ds.Cats[i])
	}
	b.WriteString(`]}`)
	return b.String()
}

// PredictJSON is a predict DataFrame of rows [lo, hi) with the inputs in reverse order and
// an extra column the model does not use.
func (ds *Dataset) PredictJSON(lo, hi int) string {
	var b strings.Builder
	b.WriteString(`{"attributeNames":["unused"`)
	for j := ds.D - 1; j >= 0; j-- {
		fmt.Fprintf(&b, `,"x%d"`, j)
	}
	b.WriteString(`],"attributeTypes":["C"`)
	for range ds.D {
		b.WriteString(`,"C"`)
	}
	b.WriteString(`],"data":[`)
	for i := lo; i < hi; i++ {
		if i > lo {
			b.WriteByte(',')
		}
		b.WriteString(`["42"`)
		for j := ds.D - 1; j >= 0; j-- {
			fmt.Fprintf(&b, `,"%s"`, strconv.FormatFloat(ds.Rows[i][j], 'g', -1, 64))
		}
		b.WriteByte(']')
	}
	b.WriteString(`]}`)
	return b.String()
}

// InputNames are x0..x{d-1}.
func (ds *Dataset) InputNames() []string {
	var names []string
	for j := range ds.D {
		names = append(names, fmt.Sprintf("x%d", j))
	}
	return names
}

// MLContextJSON is the JSON of an MLContext naming its inputs and targets.
func MLContextJSON(inputs, targets []string) string {
	b, err := json.Marshal(map[string]any{"inputAttributeNames": inputs, "targetAttributeNames": targets})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// CheckPrediction compares one reply map with the model's prediction for x, exactly.
func CheckPrediction(t testing.TB, m *model.Model, x []float64, got map[string]*string) {
	t.Helper()
	out := make([]float64, len(m.Outputs()))
	m.Predict(x, out)
	if len(got) != len(out) {
		t.Fatalf("reply has %d keys, model %d: %v", len(got), len(out), got)
	}
	for i, o := range m.Outputs() {
		v, ok := got[o.Key]
		if !ok || v == nil {
			t.Fatalf("key %q missing or null in %v", o.Key, got)
		}
		switch o.Kind {
		case model.OutputClass:
			if *v != m.Classes()[int(out[i])] {
				t.Fatalf("%s = %q, want %q", o.Key, *v, m.Classes()[int(out[i])])
			}
		case model.OutputBool:
			if want := strconv.FormatBool(out[i] == 1); *v != want {
				t.Fatalf("%s = %q, want %q", o.Key, *v, want)
			}
		default:
			f, err := strconv.ParseFloat(*v, 64)
			if err != nil || f != out[i] {
				t.Fatalf("%s = %q, want %v exactly", o.Key, *v, out[i])
			}
		}
	}
}
