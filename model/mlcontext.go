package model

// MLContext names the attributes a build or an exploration works on, and its parameters.
// Attributes are given by project index (Inputs, Targets: decimal strings) or by name
// (InputNames, TargetNames), not both.
type MLContext struct {
	Targets     []string
	Inputs      []string
	TargetNames []string
	InputNames  []string
	// Extra holds extraParameters, e.g. "alpha": "1.0".
	Extra map[string]string
}
