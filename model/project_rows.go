package model

// partitioner gives the summary of a partition value, creating it.
type partitioner interface{ partition(v []byte) *summary }

// accumulateRows adds (sign 1) or subtracts (sign −1) the rows of r to total and, when
// parts is not nil, to the summary of each row's partition value (created if new). col
// maps r's columns to attributes of the summaries' space (−1: a column left out, all
// zeros). Each summary receives its rows in message order in one addRows call (a
// partition's rows are grouped, not interleaved with other partitions' blocks), so the
// result depends only on the summaries' state and r. It is the one place rows meet the
// summaries: a project's ApplyRows and a Delta's AddRows both use it, live and in a replay.
// sc is the caller's scratch; every summary's pending count is 0 on entry and on return.
func accumulateRows(r *Rows, col []int, shifted []bool, total *summary, parts partitioner, sign float64, sc *rowScratch) {
	src := r.source(col)
	total.addRows(&src, shifted, sign)
	if parts == nil {
		return
	}
	// Group the rows by partition, a counting sort keyed by each summary's pending count
	// (0 at rest), stable within a partition.
	sc.partOf, sc.touched = sc.partOf[:0], sc.touched[:0]
	for row := range r.n {
		s := parts.partition(r.part[row])
		if s.pending == 0 {
			sc.touched = append(sc.touched, s)
		}
		s.pending++
		sc.partOf = append(sc.partOf, s)
	}
	var next int64 // pending becomes each partition's next slot in order
	for _, s := range sc.touched {
		next, s.pending = next+s.pending, next
	}
	if cap(sc.order) < r.n {
		sc.order = make([]int, r.n)
	}
	order := sc.order[:r.n]
	for row, s := range sc.partOf {
		order[s.pending] = row
		s.pending++
	}
	start := 0
	for _, s := range sc.touched {
		end := int(s.pending)
		s.pending = 0
		src.rows = order[start:end]
		s.addRows(&src, shifted, sign)
		start = end
	}
	clear(sc.partOf) // hold no summary a later change may drop
	clear(sc.touched)
}
