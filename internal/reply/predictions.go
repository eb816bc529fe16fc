package reply

import (
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// KeyCache holds one model's prediction keys JSON-encoded (`"key":`), so that a session
// that predicts with the same model again encodes them once. The zero value is ready; not
// safe for concurrent use.
type KeyCache struct {
	m    *model.Model
	keys [][]byte
}

// keysOf returns m's encoded keys, encoding them when m is not the cached model.
func (kc *KeyCache) keysOf(m *model.Model) [][]byte {
	if kc.m != m {
		kc.m = m
		kc.keys = kc.keys[:0]
		for _, o := range m.Outputs() {
			kc.keys = append(kc.keys, append(protocol.AppendJSONString(nil, o.Key), ':'))
		}
	}
	return kc.keys
}

// AppendPredictions appends the OK reply of a predict: values.KSVSMap.values, one map per
// DataFrame row with the model's keys in output order and string values (docs/protocol.md
// section 4): numbers in shortest round-trip form, class names, "true"/"false", and null
// for a non-finite number. A row skipped under errorHandling 1 is an empty map in its
// place. kc caches the encoded keys (nil: encoded for this call).
func AppendPredictions(dst []byte, p *ops.Predictions, kc *KeyCache) []byte {
	if kc == nil {
		kc = &KeyCache{}
	}
	m := p.Model()
	keys := kc.keysOf(m)
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = protocol.AppendKSVSMapOpen(dst)
	for i := range p.Rows() {
		if i > 0 {
			dst = append(dst, ',')
		}
		out, ok := p.Row(i)
		if !ok {
			dst = append(dst, '{', '}')
			continue
		}
		dst = appendPrediction(dst, m, keys, out)
	}
	dst = protocol.AppendKSVSMapClose(dst)
	return protocol.AppendEnvelopeClose(dst)
}

// appendPrediction appends one row's map {"key":"value",...}.
func appendPrediction(dst []byte, m *model.Model, keys [][]byte, out []float64) []byte {
	dst = append(dst, '{')
	classes := m.Classes()
	for i, o := range m.Outputs() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, keys[i]...)
		v := out[i]
		switch o.Kind {
		case model.OutputClass:
			if c := int(v); v == v && c >= 0 && c < len(classes) {
				dst = protocol.AppendJSONString(dst, classes[c])
			} else {
				dst = append(dst, "null"...)
			}
		case model.OutputBool:
			switch v {
			case 1:
				dst = append(dst, `"true"`...)
			case 0:
				dst = append(dst, `"false"`...)
			default:
				dst = append(dst, "null"...)
			}
		default:
			dst = protocol.AppendFloatString(dst, v)
		}
	}
	return append(dst, '}')
}
