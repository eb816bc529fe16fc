package store

import (
	"testing"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// BenchmarkLogBytesPerRow: the log bytes per learned row of 100,000 rows of 15 continuous
// columns, by how they are logged: the format 1 record of a 1000-row frame (the expanded
// doubles, as before the change flow), its format 2 rows record, the summary-delta record
// the store logs for it, and the whole 100,000 rows as one upload record (an uploaded
// file's finalize). The record sizes include the log's 16-byte record header; the last two
// are measured as the growth of the log's segment files.
func BenchmarkLogBytesPerRow(b *testing.B) {
	const total, rows, cols = 100_000, 1000, 15
	frame := benchFrame(b, rows, cols, 4)
	const recordHeader = 16 // wal's CRC, length and LSN
	b.Run("format1-frame=1000x15", func(b *testing.B) {
		var n int
		for b.Loop() {
			n = recordHeader + len(appendFrame1(nil, kindLearn, "c1", "p", frame))
		}
		b.ReportMetric(float64(n)/rows, "log-bytes/row")
	})
	b.Run("rows-frame=1000x15", func(b *testing.B) {
		var r model.Rows
		var n int
		for b.Loop() {
			must(b, r.SetFrame(frame))
			rec := appendProjectHead(nil, kindLearn, "c1", "p", time.Unix(1, 0))
			rec = appendLimits(rec, model.Unlimited)
			n = recordHeader + len(r.AppendBinary(rec))
		}
		b.ReportMetric(float64(n)/rows, "log-bytes/row")
	})
	learn := func(b *testing.B, upload bool) {
		var perRow float64
		for b.Loop() {
			dir := benchDir(b)
			s := open(b, Options{Dir: dir, Mode: wal.ModeNone, CheckpointInterval: -1, SegmentBytes: 1 << 30})
			must(b, s.Create("c1", "p", "", nil))
			base := logBytes(b, dir)
			if upload {
				d := model.NewDelta(false)
				for range total / rows {
					must(b, d.AddFrame(frame))
				}
				must(b, s.LearnUpload("c1", "p", "U1", d))
			} else {
				for range total / rows {
					must(b, s.Learn("c1", "p", frame))
				}
			}
			perRow = float64(logBytes(b, dir)-base) / total
			crash(b, s)
		}
		b.ReportMetric(perRow, "log-bytes/row")
	}
	b.Run("delta-frame=1000x15", func(b *testing.B) { learn(b, false) })
	b.Run("upload=100000x15", func(b *testing.B) { learn(b, true) })
}
