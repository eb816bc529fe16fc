package model

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

// codecSeeds are encodings of a cpu project with a model and of a partition project.
func codecSeeds(t testing.TB) [][]byte {
	t.Helper()
	cpu := newTestProject(t, "", nil)
	learn(t, cpu, vendorLearn)
	learn(t, cpu, `{"attributeNames":["sepal_length","sepal_width","Iris_virginica"],"attributeTypes":["C","C","B"],"data":[["5","2","1"],["6.5","3.1","0"],["7","3","1"]]}`)
	m, err := Build(cpu.Snapshot(), "mlr", "m1", MLContext{InputNames: []string{"sepal_width"}, TargetNames: []string{"sepal_length"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cpu.PutModel(m); err != nil {
		t.Fatal(err)
	}
	part := newTestProject(t, "partition", map[string]string{"partitionSplit": "g"})
	learn(t, part, `{"attributeNames":["x","g"],"attributeTypes":["C","T"],"data":[["1","a"],["2","b"],["4","a"]]}`)
	return [][]byte{stateBytes(t, cpu), stateBytes(t, part)}
}

// TestProjectCodecRoundTrip: decoding an encoding and encoding it again gives the same
// bytes; every truncation is refused.
func TestProjectCodecRoundTrip(t *testing.T) {
	for _, enc := range codecSeeds(t) {
		p, err := UnmarshalProject(enc)
		if err != nil {
			t.Fatal(err)
		}
		if again := stateBytes(t, p); !bytes.Equal(again, enc) {
			t.Fatal("re-encoding differs")
		}
		for i := range len(enc) {
			if _, err := UnmarshalProject(enc[:i]); err == nil {
				t.Fatalf("an encoding cut at %d of %d bytes decoded", i, len(enc))
			}
		}
	}
}

// FuzzUnmarshalProject: decoding never panics nor allocates past what the input can hold,
// and what decodes re-encodes to bytes that decode to the same encoding (imports and
// snapshots are decoded from outside data).
func FuzzUnmarshalProject(f *testing.F) {
	for _, enc := range codecSeeds(f) {
		f.Add(enc)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := UnmarshalProject(b)
		if err != nil {
			return
		}
		enc := stateBytes(t, p)
		q, err := UnmarshalProject(enc)
		if err != nil {
			t.Fatalf("re-encoded project does not decode: %v", err)
		}
		if !bytes.Equal(stateBytes(t, q), enc) {
			t.Fatal("decode → encode → decode is not stable")
		}
		_ = p.Snapshot() // a decoded project must be usable
	})
}

// TestUnmarshalProjectRefusesNonFinite: an encoding whose sums or extremes hold NaN or an
// infinity (which no learn can produce) is refused.
func TestUnmarshalProjectRefusesNonFinite(t *testing.T) {
	p := newTestProject(t, "", nil)
	learn(t, p, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1.5"],["2.25"]]}`)
	enc := stateBytes(t, p)
	// The last 8 bytes before the model count are the lo of the only S2 entry.
	for _, bad := range []uint64{0x7ff8000000000001, 0x7ff0000000000000} {
		b := bytes.Clone(enc)
		i := len(b) - 2 - 8 // uvarint 0 partitions, uvarint 0 models
		for k := range 8 {
			b[i+k] = byte(bad >> (8 * k))
		}
		if _, err := UnmarshalProject(b); err == nil {
			t.Fatalf("an S2 entry of bits %#x decoded", bad)
		}
	}
}

// TestExtremeValuesStayFinite: values at ±MaxMagnitude learned, merged and re-based keep
// every sum finite, and the state survives its encoding; values beyond are refused and
// change nothing.
func TestExtremeValuesStayFinite(t *testing.T) {
	p := newTestProject(t, "", nil)
	big := `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1e100","-1e100"],["-1e100","1e100"],["1e100","1e100"]]}`
	for range 20 {
		learn(t, p, big)
	}
	q := newTestProject(t, "", nil)
	learn(t, q, `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["-1e100","-1e100"]]}`)
	learn(t, q, big)
	if err := p.ApplyMerge(q.StateBinary(), Limits{}, Stamp{}); err != nil {
		t.Fatal(err)
	}
	s := p.Snapshot()
	for _, v := range append(append([]float64{}, s.Total.Mean...), s.Total.M...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("non-finite moment %v", v)
		}
	}
	if _, err := UnmarshalProject(stateBytes(t, p)); err != nil {
		t.Fatalf("a learnable state does not decode: %v", err)
	}
	err := unchanged(t, p, func() error {
		return p.Learn(frame(t, `{"attributeNames":["x"],"attributeTypes":["C"],"data":[["1"],["1.0000001e100"]]}`, dataframe.Options{}))
	})
	if !strings.Contains(err.Error(), "beyond") {
		t.Fatalf("refusal %q", err)
	}
}
