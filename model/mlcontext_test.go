package model

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
)

func TestParseMLContext(t *testing.T) {
	ok := func(body string, want MLContext) {
		t.Helper()
		got, err := ParseMLContext([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", body, got, want)
		}
	}
	ok(`{"targets":["12"],"inputAttributes":["0","1","2","3"],"extraParameters":{}}`,
		MLContext{Targets: []string{"12"}, Inputs: []string{"0", "1", "2", "3"}, Extra: map[string]string{}})
	ok(`{"targets":[12],"inputAttributes":[0,"1"],"extraParameters":{"alpha":"1.0","lambda":0.5,"flag":true}}`,
		MLContext{Targets: []string{"12"}, Inputs: []string{"0", "1"}, Extra: map[string]string{"alpha": "1.0", "lambda": "0.5", "flag": "true"}})
	ok(`{"inputAttributeNames":["a","b\u00e9"],"targetAttributeNames":["y"],"extraParameters":null,"targets":null}`,
		MLContext{InputNames: []string{"a", "bé"}, TargetNames: []string{"y"}})
	ok(`{"inputAttributeNames":["\ud83d\ude00"]}`, MLContext{InputNames: []string{"😀"}})
	ok(`{}`, MLContext{})

	bad := func(body, want string) {
		t.Helper()
		_, err := ParseMLContext([]byte(body))
		var me *Error
		if !errors.As(err, &me) {
			t.Fatalf("%s: error %v is not *Error", body, err)
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q does not say %q", body, err, want)
		}
	}
	bad(``, "not valid JSON")
	bad(`{"targets":["1"]`, "not valid JSON")
	bad(`[1,2]`, "must be a JSON object")
	bad(`{"targets":"12"}`, `"targets" must be an array`)
	bad(`{"inputAttributes":[{"a":1}]}`, `"inputAttributes"[0] must be an attribute index`)
	bad(`{"inputAttributeNames":[1]}`, `"inputAttributeNames"[0] must be a string`)
	bad(`{"extraParameters":[1]}`, `"extraParameters" must be an object`)
	bad(`{"extraParameters":{"alpha":[1]}}`, `extra parameter "alpha" must be a string or a number`)

	// One strictness for every JSON object (package jsonstrict).
	bad(`{"targets":["1"],"modelEncoders":{"x":1}}`, `MLContext has unknown key "modelEncoders"; its keys are targets, inputAttributes, targetAttributeNames, inputAttributeNames, extraParameters`)
	bad(`{"target":["1"]}`, `MLContext has unknown key "target"`)
	bad(`{"targets":["1"],"targets":["2"]}`, `MLContext key "targets" appears twice`)
	bad(`{"inputAttributes":["0"],"input\u0041ttributes":["1"]}`, `MLContext key "inputAttributes" appears twice`)
	bad(`{"extraParameters":{"alpha":"1","alpha":"2"}}`, `extraParameters key "alpha" appears twice`)
	bad(`{"inputAttributeNames":["a\ud800"]}`, `MLContext is not valid JSON: bad string escape at byte 26`)
	bad(`{"inputAttributeNames":["\udc00\ud800"]}`, `bad string escape`)
	bad(`{"inputAttributeNames":["\x"]}`, `bad string escape`)
	bad(`{"extraParameters":{"k":"\ud83d"}}`, `bad string escape`)
}

// testSnapshot is a small project: c0..c3 (C), y (B), species$a, species$b (T-derived).
func testSnapshot() *Snapshot {
	r := &refData{
		names: []string{"c0", "c1", "c2", "c3", "y", "species$a", "species$b"},
		kinds: kindsOf("CCCCBBB"),
		base:  []string{"", "", "", "", "", "species", "species"},
	}
	for i := 0; i < 20; i++ {
		f := float64(i)
		r.rows = append(r.rows, []float64{f, f * f / 7, float64(i % 3), float64((i * 7) % 5), float64(i % 2), float64(i % 2), float64(1 - i%2)})
	}
	return r.snapshot()
}

func TestResolve(t *testing.T) {
	s := testSnapshot()
	ok := func(c MLContext, in, tg []int) {
		t.Helper()
		gi, gt, err := c.Resolve(s)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if fmt.Sprint(gi) != fmt.Sprint(in) || fmt.Sprint(gt) != fmt.Sprint(tg) {
			t.Errorf("%+v: got %v %v, want %v %v", c, gi, gt, in, tg)
		}
	}
	ok(MLContext{Inputs: []string{"0", "3", "1"}, Targets: []string{"4"}}, []int{0, 3, 1}, []int{4})
	ok(MLContext{InputNames: []string{"c2", "c0"}, TargetNames: []string{"y"}}, []int{2, 0}, []int{4})
	ok(MLContext{InputNames: []string{"c0"}, TargetNames: []string{"species"}}, []int{0}, []int{5, 6})
	ok(MLContext{InputNames: []string{"species", "c0"}}, []int{5, 6, 0}, nil)
	ok(MLContext{Inputs: []string{"5"}, TargetNames: nil}, []int{5}, nil)

	bad := func(c MLContext, want string) {
		t.Helper()
		_, _, err := c.Resolve(s)
		var me *Error
		if !errors.As(err, &me) {
			t.Fatalf("%+v: error %v is not *Error", c, err)
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: error %q does not say %q", c, err, want)
		}
	}
	bad(MLContext{Inputs: []string{"0"}, TargetNames: []string{"y"}}, "not both")
	bad(MLContext{Inputs: []string{"0"}, InputNames: []string{"c0"}}, "not both")
	bad(MLContext{Inputs: []string{"7"}}, "input attribute index 7 is out of range (the project has 7 attributes)")
	bad(MLContext{Inputs: []string{"-1"}}, "out of range")
	bad(MLContext{Targets: []string{"x1"}}, `target attribute index "x1" is not an integer`)
	bad(MLContext{Inputs: []string{"1.0"}}, "not an integer")
	bad(MLContext{Inputs: []string{"+1"}}, "not an integer")
	bad(MLContext{Inputs: []string{"99999999999999999999999"}}, "not an integer")
	bad(MLContext{InputNames: []string{"nope"}}, `unknown input attribute "nope"`)
	bad(MLContext{TargetNames: []string{"nope"}}, `unknown target attribute "nope"`)
	bad(MLContext{InputNames: []string{strings.Repeat("x", 100)}}, `"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"...`)
	bad(MLContext{Inputs: []string{"0", "0"}}, `input attribute "c0" is given twice`)
	bad(MLContext{InputNames: []string{"species", "species$a"}}, `input attribute "species$a" is given twice`)
	bad(MLContext{Inputs: []string{"0", "4"}, Targets: []string{"4"}}, `attribute "y" is both an input and a target`)
	bad(MLContext{InputNames: []string{"species$b"}, TargetNames: []string{"species"}}, `"species$b" is both an input and a target`)
}

func TestResolvePartitionColumn(t *testing.T) {
	g := loadIris(t)
	s := irisPartition(g).snapshot()
	r, err := MLContext{InputNames: irisNames, TargetNames: []string{"species"}}.resolve(s)
	if err != nil || !r.partition || len(r.targets) != 0 {
		t.Fatalf("resolve: %+v, %v", r, err)
	}
	// Resolve (for exploration) has no index for an S partition column.
	if _, _, err := (MLContext{InputNames: irisNames, TargetNames: []string{"species"}}).Resolve(s); err == nil || !strings.Contains(err.Error(), "partition column") {
		t.Errorf("Resolve: %v", err)
	}
}

// kindsOf turns "CCB" into attribute types.
func kindsOf(codes string) []dataframe.Type {
	out := make([]dataframe.Type, len(codes))
	for i := range codes {
		out[i] = dataframe.Type(codes[i])
	}
	return out
}

func FuzzParseMLContext(f *testing.F) {
	for _, s := range []string{
		`{"targets":["12"],"inputAttributes":["0","1","2","3"],"extraParameters":{}}`,
		`{"targets":[12],"inputAttributes":[0,"1"],"extraParameters":{"alpha":"1.0","lambda":0.5}}`,
		`{"inputAttributeNames":["a","b"],"targetAttributeNames":["species"],"extraParameters":{"laplace_factor":"1"}}`,
		`{"targets":["1"],"targets":["2"],"extra":1}`,
		`{"inputAttributeNames":["a\ud800","\ud83d\ude00"]}`,
	} {
		f.Add([]byte(s))
	}
	s := testSnapshot()
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseMLContext(b)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		in, tg, err := c.Resolve(s)
		if err != nil {
			return
		}
		for _, i := range append(in, tg...) {
			if i < 0 || i >= len(s.Names) {
				t.Fatalf("index %d out of range", i)
			}
		}
		for _, algo := range []string{"lda", "mlda", "bayes", "mlr", "lasso"} {
			if m, err := Build(s, algo, "m", c); err == nil {
				exercise(m)
			}
		}
	})
}
