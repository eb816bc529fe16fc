package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// orderedObject is a JSON object's members in their order in the text.
type orderedObject struct {
	keys []string
	vals []json.RawMessage
}

// decodeOrdered decodes one JSON object keeping the order of its members (encoding/json's
// maps lose it). A repeated key is refused.
func decodeOrdered(raw []byte) (orderedObject, error) {
	var o orderedObject
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return o, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return o, errors.New("not an object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return o, err
		}
		key, _ := tok.(string) // object keys are always strings
		if seen[key] {
			return o, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return o, fmt.Errorf("value of %q: %w", key, err)
		}
		o.keys = append(o.keys, key)
		o.vals = append(o.vals, v)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return o, err
	}
	return o, nil
}
