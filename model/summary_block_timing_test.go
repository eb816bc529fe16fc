package model

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkBlockFold: the learn kernel's inner cost, one op = one full block of blockRows
// dense rows folded into the sums of d attributes, reported per co-moment entry and row;
// next to the baseline of adding each rounded product to its double-double directly (what
// every row cost before blocking).
func BenchmarkBlockFold(b *testing.B) {
	for _, d := range []int{15, 100, 400} {
		r := rand.New(rand.NewPCG(1, 2))
		blk := getBlock(d)
		for i := range blk.t[:d*blockRows] {
			blk.t[i] = r.NormFloat64()
		}
		perEntryRow := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(blockRows*packedLen(d)), "ns/entry-row")
		}
		b.Run("blocked/d="+strconv.Itoa(d), func(b *testing.B) {
			s := newSummary(d)
			b.ReportAllocs()
			for b.Loop() {
				blk.rows = blockRows
				s.fold(blk, 1)
			}
			perEntryRow(b)
		})
		b.Run("baseline_dd/d="+strconv.Itoa(d), func(b *testing.B) {
			s := newSummary(d)
			b.ReportAllocs()
			for b.Loop() {
				for r := range blockRows {
					for j := range d {
						tj := blk.t[j*blockRows+r]
						col := s.s2[packedIndex(0, j) : packedIndex(0, j)+j+1]
						for i := range col {
							col[i].addFloat(float64(blk.t[i*blockRows+r] * tj))
						}
					}
				}
			}
			perEntryRow(b)
		})
	}
}
