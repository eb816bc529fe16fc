package dataframe

import (
	"encoding/json"
	"strconv"
	"testing"
)

// BenchmarkParse sweeps frame shapes: the iris-like 4 C + 11 B layout of the vendor's
// learn message, all-C, and a T column.
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name       string
		nc, nb     int
		withT      bool
		rows, cols int
	}{
		{"rows=1000/4C11B", 4, 11, false, 1000, 15},
		{"rows=1000/15C", 15, 0, false, 1000, 15},
		{"rows=1000/4C10B1T", 4, 10, true, 1000, 19},
		{"rows=1/4C11B", 4, 11, false, 1, 15},
	} {
		payload := []byte(benchFrame(bc.rows, bc.nc, bc.nb, bc.withT))
		b.Run(bc.name, func(b *testing.B) {
			var p Parser
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				f, err := p.Parse(payload, Options{})
				if err != nil || f.Rows != bc.rows || len(f.Names) != bc.cols {
					b.Fatalf("rows %d cols %d err %v", f.Rows, len(f.Names), err)
				}
			}
			b.ReportMetric(float64(bc.rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
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
