package model

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

// allModels builds one model of every algorithm (both bayes flavours, both lda targets).
func allModels(t testing.TB) []*Model {
	t.Helper()
	g := loadIris(t)
	cpu := irisCPU(g).snapshot()
	part := irisPartition(g).snapshot()
	dia := diabetesCPU(loadDiabetes(t)).snapshot()
	syn := synth(120, 2, 3, 3, true, 5).snapshot()
	dn := loadDiabetes(t).Data.FeatureNames
	y := []string{"y"}
	return []*Model{
		mustBuild(t, cpu, "lda", MLContext{InputNames: irisNames, TargetNames: []string{"species$virginica"}}),
		mustBuild(t, cpu, "mlda", MLContext{InputNames: irisNames, TargetNames: []string{"species"}}),
		mustBuild(t, part, "mqda", MLContext{InputNames: irisNames}),
		mustBuild(t, part, "bayes", MLContext{InputNames: irisNames}),
		mustBuild(t, syn, "bayes", MLContext{InputNames: []string{"c0", "c1", "b0", "b1", "b2"}, Extra: map[string]string{"laplace_factor": "0.5"}}),
		mustBuild(t, dia, "mlr", MLContext{InputNames: dn, TargetNames: y}),
		mustBuild(t, dia, "ridge", MLContext{InputNames: dn, TargetNames: y, Extra: map[string]string{"alpha": "0.5", "sml_rcond_tolerance": "1e-12"}}),
		mustBuild(t, dia, "lasso", MLContext{InputNames: dn, TargetNames: y, Extra: map[string]string{"lambda": "0.1"}}),
		mustBuild(t, dia, "elasticnet", MLContext{InputNames: dn, TargetNames: y, Extra: map[string]string{"lambda": "0.1", "eta": "0.5"}}),
	}
}

func TestModelCodecRoundTrip(t *testing.T) {
	for _, m := range allModels(t) {
		t.Run(m.Algo(), func(t *testing.T) {
			blob, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			got, err := UnmarshalModel(blob)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Info(), m.Info()) {
				t.Errorf("info differs:\n got %+v\nwant %+v", got.Info(), m.Info())
			}
			if !reflect.DeepEqual(got.Outputs(), m.Outputs()) || !reflect.DeepEqual(got.Inputs(), m.Inputs()) {
				t.Error("outputs or inputs differ")
			}
			again, _ := got.MarshalBinary()
			if !bytes.Equal(again, blob) {
				t.Error("re-encoding differs")
			}
			// Bit-identical predictions on shifted copies of the means.
			x := make([]float64, len(m.Inputs()))
			a, b := make([]float64, len(m.Outputs())), make([]float64, len(m.Outputs()))
			for r := 0; r < 10; r++ {
				for j, mu := range m.InputMeans() {
					x[j] = mu + float64((r*7+j)%5-2)*0.3*math.Sqrt(math.Abs(mu)+1)
				}
				m.Predict(x, a)
				got.Predict(x, b)
				for i := range a {
					if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
						t.Errorf("row %d output %s: %v != %v", r, m.Outputs()[i].Key, b[i], a[i])
					}
				}
			}
		})
	}
}

func TestUnmarshalModelRefusals(t *testing.T) {
	m := allModels(t)[1]
	blob, _ := m.MarshalBinary()
	for n := 0; n < len(blob); n++ {
		if _, err := UnmarshalModel(blob[:n]); err == nil {
			t.Fatalf("truncated at %d of %d: accepted", n, len(blob))
		}
	}
	if _, err := UnmarshalModel(append(append([]byte(nil), blob...), 0)); err == nil || !strings.Contains(err.Error(), "trailing") {
		t.Errorf("trailing byte: %v", err)
	}
	v2 := append([]byte(nil), blob...)
	v2[len(codecMagic)] = 2
	if _, err := UnmarshalModel(v2); err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("version 2: %v", err)
	}
	// A huge length claim must not allocate it.
	huge := append([]byte(codecMagic), 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)
	if _, err := UnmarshalModel(huge); err == nil {
		t.Error("huge length accepted")
	}
	// Flip each byte: never a panic; anything accepted must be consistent (validate ran).
	for i := len(codecMagic); i < len(blob); i++ {
		c := append([]byte(nil), blob...)
		c[i] ^= 0x5a
		if got, err := UnmarshalModel(c); err == nil {
			exercise(got)
		}
	}
}

// exercise calls everything that indexes the model's arrays.
func exercise(m *Model) {
	x := make([]float64, len(m.Inputs()))
	copy(x, m.InputMeans())
	out := make([]float64, len(m.Outputs()))
	m.Predict(x, out)
	_ = m.Info()
	missing := make([]bool, len(x))
	missing[0] = true
	_ = m.Impute(x, missing)
}

func FuzzUnmarshalModel(f *testing.F) {
	for _, m := range allModels(f) {
		blob, _ := m.MarshalBinary()
		f.Add(blob)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := UnmarshalModel(b)
		if err != nil {
			return
		}
		exercise(m)
		again, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := UnmarshalModel(again)
		if err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		third, _ := m2.MarshalBinary()
		if !bytes.Equal(third, again) {
			t.Fatal("round trip changed the model")
		}
	})
}
