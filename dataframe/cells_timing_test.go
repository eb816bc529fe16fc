package dataframe

import (
	"strconv"
	"testing"
)

// BenchmarkParseCells parses 1000 rows of 14 C/B columns and one T column from text cells,
// next to Parse of the same table as JSON (the baseline: what a CSV row costs when it is
// sent as a DataFrame).
func BenchmarkParseCells(b *testing.B) {
	c := &Cells{}
	for i := range 14 {
		c.Names = append(c.Names, "c"+strconv.Itoa(i))
		c.Types = append(c.Types, TypeC)
	}
	c.Names, c.Types = append(c.Names, "kind"), append(c.Types, TypeT)
	for r := range 1000 {
		for i := range 14 {
			c.Data = append(c.Data, strconv.FormatFloat(float64(r*i)/7, 'f', 4, 64))
		}
		c.Data = append(c.Data, "k"+strconv.Itoa(r%5))
	}
	payload := cellsJSON(c)
	b.Run("cells", func(b *testing.B) {
		var p Parser
		b.ReportAllocs()
		for b.Loop() {
			if f, err := p.ParseCells(c, Options{}); err != nil || f.Rows != 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline=json", func(b *testing.B) {
		var p Parser
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			if f, err := p.Parse(payload, Options{}); err != nil || f.Rows != 1000 {
				b.Fatal(err)
			}
		}
	})
}
