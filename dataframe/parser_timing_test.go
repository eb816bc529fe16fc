package dataframe

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkParse sweeps frame shapes: the iris-like 4 C + 11 B layout of the vendor's
// learn message (also with its key order: data before attributeTypes), all-C, a T column,
// one row, and a one-row predict frame of five inputs.
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name       string
		payload    string
		opts       Options
		rows, cols int
	}{
		{"rows=1000/4C11B", benchFrame(1000, 4, 11, false), Options{}, 1000, 15},
		{"rows=1000/4C11B/clientorder", clientOrder(benchFrame(1000, 4, 11, false)), Options{}, 1000, 15},
		{"rows=1000/15C", benchFrame(1000, 15, 0, false), Options{}, 1000, 15},
		{"rows=1000/4C10B1T", benchFrame(1000, 4, 10, true), Options{}, 1000, 19},
		{"rows=1/4C11B", benchFrame(1, 4, 11, false), Options{}, 1, 15},
		{"rows=1/5C/predict", predictFrame5, Options{Mode: ModePredict}, 1, 5},
	} {
		payload := []byte(bc.payload)
		b.Run(bc.name, func(b *testing.B) {
			var p Parser
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				f, err := p.Parse(payload, bc.opts)
				if err != nil || f.Rows != bc.rows || len(f.Names) != bc.cols {
					b.Fatalf("rows %d cols %d err %v", f.Rows, len(f.Names), err)
				}
			}
			b.ReportMetric(float64(bc.rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// predictFrame5 is a one-row predict DataFrame of five inputs, one of them missing.
const predictFrame5 = `{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width","x5"],"attributeTypes":["C","C","C","C","C"],"data":[["4.3","3","1.1","0.1",""]]}`

// clientOrder moves the attributeTypes of a benchFrame after "data" and adds
// "errorHandling":1, the key order of the vendor client's learn message.
func clientOrder(frame string) string {
	i := strings.Index(frame, `,"attributeTypes":`)
	j := strings.Index(frame, `,"data":`)
	return frame[:i] + frame[j:len(frame)-1] + frame[i:j] + `,"errorHandling":1}`
}

// BenchmarkParseStdlib is the baseline: encoding/json into [][]string plus strconv.
func BenchmarkParseStdlib(b *testing.B) {
	payload := []byte(benchFrame(1000, 4, 11, false))
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		var df struct {
			AttributeNames []string   `json:"attributeNames"`
			AttributeTypes []string   `json:"attributeTypes"`
			Data           [][]string `json:"data"`
		}
		if err := json.Unmarshal(payload, &df); err != nil {
			b.Fatal(err)
		}
		vals := make([]float64, 0, len(df.Data)*len(df.AttributeNames))
		for _, row := range df.Data {
			for _, c := range row {
				x, err := strconv.ParseFloat(c, 64)
				if err != nil {
					b.Fatal(err)
				}
				vals = append(vals, x)
			}
		}
		if len(vals) != 15000 {
			b.Fatal(len(vals))
		}
	}
}

// BenchmarkParseLongTName: 1000 rows of one C column and a T column of 3 values whose name
// takes 8 bytes or 1 MiB (Options.MaxNameBytes raised past it). A cell's cost does not depend on its attribute's name (it is
// resolved once per value and message); the 1 MiB name costs once per value.
func BenchmarkParseLongTName(b *testing.B) {
	for _, n := range []int{8, 1 << 20} {
		name := strings.Repeat("n", n)
		var sb strings.Builder
		sb.WriteString(`{"attributeNames":["x","` + name + `"],"attributeTypes":["C","T"],"data":[`)
		for i := range 1000 {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`["` + strconv.Itoa(i) + `","v` + strconv.Itoa(i%3) + `"]`)
		}
		sb.WriteString(`]}`)
		payload := []byte(sb.String())
		b.Run("name="+strconv.Itoa(n), func(b *testing.B) {
			var p Parser
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				f, err := p.Parse(payload, Options{MaxNameBytes: 2 << 20})
				if err != nil || f.Rows != 1000 || len(f.Names) != 4 {
					b.Fatalf("%v", err)
				}
			}
		})
	}
}
