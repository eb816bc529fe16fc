package model

import "time"

// Model is a fitted model: an immutable value built by Build from one Snapshot. Learning or
// forgetting later changes nothing in it; only a rebuild does. Every method is safe for
// concurrent use and Predict allocates nothing.
//
// Inputs are numbered in model order (the order of the MLContext); Predict reads x in that
// order. Publishing a model (replacing an older one of the same id) is the project's job.
type Model struct {
	id        string
	algo      string
	created   time.Time
	buildTime time.Duration
	rows      int64 // n at build time

	inputs    []string // input attribute names, model order
	inputIdx  []int    // their project indexes at build time
	targets   []string // target attribute names (the partition column for partition classes)
	targetIdx []int    // their project indexes (empty for an S partition column)
	classes   []string // class names of classifiers; nil for regressions
	params    []Param  // extraParameters as used, sorted by name

	means []float64 // input means at build time (imputation)
	inM   []float64 // input co-moments at build time, d×d (regression imputation)
	tol   float64   // sml_rcond_tolerance of the build (imputation)

	lda  *ldaFit
	disc *discFit // mlda, mqda
	nb   *bayesFit
	lin  *linFit // mlr, ridge, lasso, elasticnet

	// Derived on construction (Build, UnmarshalModel).
	outputs []Output
	pos     map[string]int // input name → model position
	size    int64          // what the project is charged for it: modelOverhead + encoding
}

// OutputKind says how a prediction value is written.
type OutputKind uint8

const (
	// OutputNumber is written as a number.
	OutputNumber OutputKind = iota
	// OutputClass holds a class index; it is written as the class name (Classes()[i]).
	OutputClass
	// OutputBool holds 0 or 1; it is written as "false" or "true".
	OutputBool
)

// Output is one prediction key.
type Output struct {
	Key  string
	Kind OutputKind
}

// Param is a named list of numbers: an extra parameter of the build or a fitted parameter.
type Param struct {
	Name   string
	Values []float64
}

// ID is the model id.
func (m *Model) ID() string { return m.id }

// Algo is the algorithm name ("lda", "mlda", ...).
func (m *Model) Algo() string { return m.algo }

// Outputs are the prediction keys in reply order. The slice is shared: do not modify it.
func (m *Model) Outputs() []Output { return m.outputs }

// Classes are the class names of a classifier (nil for a regression). The slice is
// shared: do not modify it.
func (m *Model) Classes() []string { return m.classes }

// Inputs are the input attribute names in model order. The slice is shared: do not modify it.
func (m *Model) Inputs() []string { return m.inputs }

// InputMeans are the project means of the inputs at build time, in model order: the value
// a missing input is imputed with. The slice is shared: do not modify it.
func (m *Model) InputMeans() []float64 { return m.means }

// Rows is the number of rows the model was fitted on.
func (m *Model) Rows() int64 { return m.rows }

// derive fills the fields computed from the stored ones.
func (m *Model) derive() {
	m.pos = make(map[string]int, len(m.inputs))
	for j, name := range m.inputs {
		m.pos[name] = j
	}
	m.outputs = nil
	switch m.algo {
	case "lda":
		m.outputs = []Output{
			{"res", OutputClass}, {"resZ", OutputNumber}, {"z0", OutputNumber},
			{"z1LTz0", OutputBool}, {"normZ", OutputNumber}, {"prob", OutputNumber},
		}
	case "mlda", "mqda":
		m.outputs = append(m.outputs, Output{"res", OutputClass})
		for _, c := range m.classes {
			m.outputs = append(m.outputs, Output{c, OutputNumber})
		}
	case "bayes":
		m.outputs = append(m.outputs, Output{"res", OutputClass}, Output{"Prob", OutputNumber})
		for _, c := range m.classes {
			m.outputs = append(m.outputs, Output{c, OutputNumber})
		}
	default:
		m.outputs = []Output{{"res", OutputNumber}}
	}
}

// finite reports whether every parameter Predict uses is finite.
func (m *Model) finite() bool {
	if !allFinite(m.means, m.inM) {
		return false
	}
	switch {
	case m.lda != nil:
		f := m.lda
		return allFinite(f.w, f.mid, []float64{f.z0, f.logPriorOdds})
	case m.disc != nil:
		f := m.disc
		return allFinite(f.logPrior, f.means, f.center, f.coef, f.icpt, f.linv, f.logDet)
	case m.nb != nil:
		f := m.nb
		return allFinite(f.cst, f.mean, f.halfPrec, f.dlog)
	case m.lin != nil:
		f := m.lin
		return allFinite(f.coef, []float64{f.muY, f.intercept})
	}
	return false
}

// InputPos returns the model position of the input called name, if it is one. It
// allocates nothing.
func (m *Model) InputPos(name []byte) (int, bool) {
	j, ok := m.pos[string(name)]
	return j, ok
}
