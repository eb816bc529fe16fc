package model

import (
	"sort"
	"strings"
)

// An algorithm (a value of build?algo=) is registered once, by the file that implements
// it, with everything the rest of the package needs of it: its parameters, how it builds a
// model, and — through the fitted value its build leaves in the model — how that model
// predicts, names its outputs, encodes, checks and describes itself. Adding an algorithm
// is adding one file: an algorithm registration and, for a new kind of fitted parameters, a
// fitted implementation with its codec registration.

// algorithm is one build?algo= value.
type algorithm struct {
	name  string
	order int         // position in Algorithms and in error messages
	kind  byte        // codec kind of the fit its build leaves in the model
	extra []paramRule // parameters it accepts besides the common ones
	// build fits m's parameters from b and sets m.fit (and m.classes for a classifier).
	build func(b *builder, m *Model) error
}

// fitted is a model's fitted parameters: one implementation per kind of fit (lda, the
// discriminants, naive Bayes, the linear regressions). Values are immutable once built.
type fitted interface {
	// codecKind is the fit's tag in the binary model format (model_codec.go).
	codecKind() byte
	// outputs are the prediction keys, in reply order, for a model with classes.
	outputs(classes []string) []Output
	// predict writes one value per output into out for x, the inputs in model order;
	// it allocates nothing.
	predict(m *Model, x, out []float64)
	// finite reports whether every parameter predict uses is finite.
	finite() bool
	// fits reports whether the parameters' dimensions are those m's inputs and classes
	// need (a decoded model is checked with it before it can predict).
	fits(m *Model) bool
	// encode writes the parameters after the fit's tag.
	encode(e *encoder)
	// describe adds the fitted parameters to mi (Params, and Coefficients and Fit for the
	// regressions with a table).
	describe(m *Model, mi *ModelInfo)
}

// classScorer is implemented by the fits with one log score per class (mlda, mqda,
// bayes): scores writes log π_k + log p(x | k), up to a constant common to all classes.
type classScorer interface {
	scores(x, dst []float64)
}

var (
	algorithms = map[string]*algorithm{}
	// fitDecoders decode the parameters of each codec kind (after its tag).
	fitDecoders = map[byte]func(d *decoder) fitted{}
)

// registerAlgorithm adds a to the algorithms; called from the init of a's file.
func registerAlgorithm(a *algorithm) {
	if _, dup := algorithms[a.name]; dup {
		panic("model: algorithm " + a.name + " registered twice")
	}
	algorithms[a.name] = a
}

// registerFit adds the decoder of a codec kind; called from the init of the fit's file.
func registerFit(kind byte, decode func(d *decoder) fitted) {
	if _, dup := fitDecoders[kind]; dup {
		panic("model: fit kind registered twice")
	}
	fitDecoders[kind] = decode
}

// Algorithms returns the names of the algorithms Build knows, in documentation order:
// lda, mlda, mqda, bayes, mlr, ridge, lasso, elasticnet. A fresh slice.
func Algorithms() []string {
	names := make([]string, 0, len(algorithms))
	for name := range algorithms {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return algorithms[names[i]].order < algorithms[names[j]].order })
	return names
}

// KnownAlgorithm reports whether Build knows algo.
func KnownAlgorithm(algo string) bool {
	_, ok := algorithms[algo]
	return ok
}

// knownAlgos is the list for error messages: "lda, mlda, ...".
func knownAlgos() string { return strings.Join(Algorithms(), ", ") }
