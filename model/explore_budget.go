package model

import (
	"math/bits"
	"strconv"
	"sync/atomic"
)

// The work of an exploration, counted before it is done against the budget of its request
// (Limits.MaxExploreWork: every Explore on one Snapshot from Project.Snapshot together).
// A unit is about one floating-point operation, or one byte of the reply:
//
//	naming an attribute     the project's attributes, per name (a linear search); 1 per index
//	uni on k inputs         16·k
//	bi                      16
//	anova                   g² + partitions, for g target columns
//	ttest                   2 · partitions
//	chi2                    (r + c)², for r input and c target columns
//	pca on d inputs         d³ (the eigendecomposition)
//	each value of the reply 256 + 4 per byte of its key
//
// At the default budget (2²⁸) one request holds one pca on 512 inputs (2.0·10⁸, about
// 1–3 s of one core here, and a 10 MB reply) and little more; a reply is at most a few
// tens of megabytes.
const (
	workPerValue    = 256
	workPerKeyByte  = 4
	workPerUniInput = 16
	workBi          = 16
)

// workBudget is what the explorations of one request may still cost. Safe for concurrent
// use; the copies of a Snapshot share it.
type workBudget struct {
	left  atomic.Int64
	limit int64
}

func newWorkBudget(limit int64) *workBudget {
	w := &workBudget{limit: limit}
	w.left.Store(limit)
	return w
}

// charge takes n units if that many are left, and reports what was left before.
func (w *workBudget) charge(n int64) (left int64, ok bool) {
	for {
		left = w.left.Load()
		if n > left {
			return left, false
		}
		if w.left.CompareAndSwap(left, left-n) {
			return left, true
		}
	}
}

// budget is the snapshot's work budget; a Snapshot made by hand has none, and each
// Explore on it gets a budget of DefaultMaxExploreWork.
func (s *Snapshot) budget() *workBudget {
	if s.work != nil {
		return s.work
	}
	return newWorkBudget(DefaultMaxExploreWork)
}

// chargeWork takes n units of work for what (a phrase for the message) from w, or refuses
// with an *Error wrapping ErrExploreTooCostly.
func chargeWork(w *workBudget, n int64, what string) error {
	if left, ok := w.charge(n); !ok {
		return wrapf(ErrExploreTooCostly, "%s costs %d units of work; %d of the request's %d are left (send fewer MLContexts or inputs)", what, n, left, w.limit)
	}
	return nil
}

// resolveWork is the work of naming the context's attributes in s.
func resolveWork(s *Snapshot, c MLContext) int64 {
	byName := int64(len(c.InputNames) + len(c.TargetNames))
	return int64(len(c.Inputs)+len(c.Targets)) + byName*int64(max(1, len(s.Names)))
}

// exploreWork is the work of metric on the resolved context r of s, reply included.
func exploreWork(s *Snapshot, metric string, r resolved) int64 {
	k, t, parts := int64(len(r.inputs)), int64(len(r.targets)), int64(len(s.Partitions))
	const shortKey = workPerValue + workPerKeyByte*16 // the fixed keys of bi, anova, ttest, chi2
	switch metric {
	case "uni":
		n := workPerUniInput * k
		several := len(r.inputs) > 1
		for _, i := range r.inputs {
			prefix := 0
			if several {
				prefix = len(s.Names[i]) + 1
			}
			for _, key := range uniKeys {
				n += workPerValue + workPerKeyByte*int64(prefix+len(key))
			}
		}
		return n
	case "bi":
		return workBi + 4*shortKey
	case "anova":
		return satAdd(satMul(t, t), parts+8*shortKey)
	case "ttest":
		return 2*parts + 6*shortKey
	case "chi2":
		return satAdd(satMul(k+t, k+t), 3*shortKey)
	case "pca":
		// d(d+2) values; every key is at most "explainedVarianceRatio." or "eigenvector."
		// and two indexes of at most digits(d) digits.
		digits := int64(len(strconv.Itoa(len(r.inputs))))
		return satAdd(satMul(k, satMul(k, k)), satMul(satMul(k, k+2), workPerValue+workPerKeyByte*(24+2*digits)))
	}
	return 0
}

// satAdd is a+b, or the largest int64 when that overflows (a, b ≥ 0).
func satAdd(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return 1<<63 - 1
}

// satMul is a·b, or the largest int64 when that overflows (a, b ≥ 0).
func satMul(a, b int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(lo)
}
