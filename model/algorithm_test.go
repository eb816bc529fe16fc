package model

import (
	"strings"
	"testing"
)

// TestAlgorithmRegistry: every algorithm is registered once, in documentation order, with a
// decoder for the kind of fit it builds, and unknown ones are refused naming the known.
func TestAlgorithmRegistry(t *testing.T) {
	want := "lda mlda mqda bayes mlr ridge lasso elasticnet"
	if got := strings.Join(Algorithms(), " "); got != want {
		t.Fatalf("Algorithms() = %s, want %s", got, want)
	}
	for _, name := range Algorithms() {
		a := algorithms[name]
		if fitDecoders[a.kind] == nil || a.build == nil || !KnownAlgorithm(name) {
			t.Errorf("%s: kind %d has no decoder, or no build", name, a.kind)
		}
	}
	if KnownAlgorithm("svm") {
		t.Fatal("svm known")
	}
	_, err := Build(&Snapshot{}, "svm", "m", MLContext{})
	if err == nil || !strings.Contains(err.Error(), "(known: lda, mlda, mqda, bayes, mlr, ridge, lasso, elasticnet)") {
		t.Fatalf("unknown algorithm: %v", err)
	}
}
