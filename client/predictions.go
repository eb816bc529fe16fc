package client

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Prediction is the scores of one row (one KSVSMap entry), keyed as the model's
// prediction keys (docs/statistics.md 3: "res", "prob", one key per class, ...). Values are the
// strings the server sent; a null value (a score that is not a finite number) is "".
type Prediction map[string]string

// Float returns the value of key as a number: NaN for a null value, 1 and 0 for "true"
// and "false" (lda's z1LTz0). A key the prediction lacks, or a value that is not a number
// (the class name in "res" of a classifier), is an error.
func (p Prediction) Float(key string) (float64, error) {
	s, ok := p[key]
	if !ok {
		return 0, fmt.Errorf("prediction has no key %q", key)
	}
	switch s {
	case "":
		return nan(), nil
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("prediction %q = %q is not a number", key, s)
	}
	return f, nil
}

// Predictions returns values.KSVSMap.values of a predict reply: one Prediction per row,
// in row order.
func (r *Reply) Predictions() ([]Prediction, error) {
	items, err := r.list("KSVSMap")
	if err != nil {
		return nil, err
	}
	out := make([]Prediction, len(items))
	for i, it := range items {
		var m map[string]*string
		if err := json.Unmarshal(it, &m); err != nil || m == nil {
			return nil, fmt.Errorf("reply KSVSMap.values[%d] is not an object of strings: %s", i, clip(it))
		}
		p := make(Prediction, len(m))
		for k, v := range m {
			if v != nil {
				p[k] = *v
			} else {
				p[k] = ""
			}
		}
		out[i] = p
	}
	return out, nil
}

// PredictionKeys returns the keys of a predict reply's rows in the order the server wrote
// them (the model's prediction keys), each once: what Prediction, a map, does not keep.
func (r *Reply) PredictionKeys() ([]string, error) {
	items, err := r.list("KSVSMap")
	if err != nil {
		return nil, err
	}
	var keys []string
	seen := map[string]bool{}
	for i, it := range items {
		o, err := decodeOrdered(it)
		if err != nil {
			return nil, fmt.Errorf("reply KSVSMap.values[%d]: %w", i, err)
		}
		for _, k := range o.keys {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys, nil
}
