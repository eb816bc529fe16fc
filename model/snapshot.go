package model

import "github.com/symscore/symscore/dataframe"

// Moments is the extracted, centred view of one summary: the row count, the means and the
// centred co-moment matrix. It is built fresh by every extraction and owned by the caller.
type Moments struct {
	// N is rows learned minus rows forgotten.
	N int64
	// Mean holds the d attribute means.
	Mean []float64
	// M is the d×d centred co-moment matrix Σ (x−μ)(x−μ)ᵀ, row-major and full (symmetric).
	M []float64
}

// Dim is the number of attributes d.
func (m *Moments) Dim() int { return len(m.Mean) }

// At is the co-moment of attributes i and j.
func (m *Moments) At(i, j int) float64 { return m.M[i*len(m.Mean)+j] }

// Snapshot is a consistent, immutable copy of a project's statistics, taken under the
// project's lock: it never shows a half-applied message. Builds and exploration read it
// without holding any lock. One from Project.Snapshot also carries the work budget of one
// exploration request (Limits.MaxExploreWork), which every Explore on it draws from: take
// one Snapshot per request.
type Snapshot struct {
	// Type is "cpu" or "partition".
	Type string
	// Names are the project's attribute names; index i is project attribute i.
	Names []string
	// Kinds are dataframe.TypeC or dataframe.TypeB (T-derived columns are TypeB).
	Kinds []dataframe.Type
	// Base is, for a T-derived column "name$value", its base name "name"; "" otherwise.
	Base []string
	// Total summarizes every row of the project.
	Total Moments
	// PartitionColumn names the partition column of a partition project; "" otherwise.
	PartitionColumn string
	// Partitions hold one summary per partition value, sorted by Value (partition projects).
	Partitions []Partition
	// Min and Max are the extremes of every value ever learned (forget cannot undo them).
	Min, Max []float64

	// maxNameBytes is the project's Limits.MaxNameBytes (0: the default), for Build.
	maxNameBytes int
	// work is the exploration budget of the request that took the snapshot (Explore);
	// nil for a Snapshot made by hand.
	work *workBudget
}

// Partition is the summary of the rows of one partition value.
type Partition struct {
	Value string
	Moments
}

// Index returns the project index of the attribute called name.
func (s *Snapshot) Index(name string) (int, bool) {
	for i, n := range s.Names {
		if n == name {
			return i, true
		}
	}
	return -1, false
}
