package client

import (
	"encoding/json"
	"fmt"
	"math"
)

func nan() float64 { return math.NaN() }

// Stats is one exploration result (one KSVDMap entry): its keys in the order the server
// wrote them, which is each metric's documented order (docs/statistics.md 4), and their values.
// A null value (undefined for the data, e.g. a correlation with a constant column) is NaN.
type Stats struct {
	Keys   []string
	Values []float64 // Values[i] is the value of Keys[i]
}

// Get returns the value of key; ok is false when the result has no such key.
func (s Stats) Get(key string) (v float64, ok bool) {
	for i, k := range s.Keys {
		if k == key {
			return s.Values[i], true
		}
	}
	return 0, false
}

// Map returns the result as a map (losing the order).
func (s Stats) Map() map[string]float64 {
	m := make(map[string]float64, len(s.Keys))
	for i, k := range s.Keys {
		m[k] = s.Values[i]
	}
	return m
}

// Statistics returns values.KSVDMap.values of an explore reply: one Stats per MLContext,
// in request order.
func (r *Reply) Statistics() ([]Stats, error) {
	items, err := r.list("KSVDMap")
	if err != nil {
		return nil, err
	}
	out := make([]Stats, len(items))
	for i, it := range items {
		o, err := decodeOrdered(it)
		if err != nil {
			return nil, fmt.Errorf("reply KSVDMap.values[%d]: %w", i, err)
		}
		s := Stats{Keys: o.keys, Values: make([]float64, len(o.vals))}
		for j, raw := range o.vals {
			var f *float64
			if err := json.Unmarshal(raw, &f); err != nil {
				return nil, fmt.Errorf("reply KSVDMap.values[%d] %q = %s is not a number", i, o.keys[j], clip(raw))
			}
			s.Values[j] = nan()
			if f != nil {
				s.Values[j] = *f
			}
		}
		out[i] = s
	}
	return out, nil
}
