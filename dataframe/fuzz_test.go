package dataframe

import (
	"errors"
	"testing"
)

// FuzzParse: Parse never panics, and every accepted Frame satisfies the Frame invariants
// (shape, distinct names, kinds, finite values in learn mode, B columns 0/1).
func FuzzParse(f *testing.F) {
	f.Add([]byte(learnPayload), uint8(0))
	f.Add([]byte(predictPayload), uint8(1))
	f.Add([]byte(`{"attributeNames":["a","kind","b"],"attributeTypes":["C","B","T"],"data":[["1.5","0","x"],["2","1","y"]],"errorHandling":1}`), uint8(0))
	f.Add([]byte(`{"attributeNames":["x","species"],"attributeTypes":["C","S"],"data":[["1","setosa"],["2",""]],"errorHandling":1}`), uint8(2))
	f.Add([]byte(`{"attributeNames":["x","species"],"attributeTypes":["C","T"],"data":[["1e-5"," Setosa "],["NaN","b"],[1,"c"]]}`), uint8(3))
	f.Add([]byte(`{"attributeNames":["k","k$a"],"attributeTypes":["T","B"],"data":[["A","1"],[null,"0"]],"errorHandling":1}`), uint8(1))
	f.Fuzz(func(t *testing.T, payload []byte, mode uint8) {
		opts := Options{Mode: Mode(mode & 1), MaxColumns: 64, MaxRows: 256}
		if mode&2 != 0 {
			opts.PartitionColumn = "species"
		}
		var p Parser
		fr, err := p.Parse(payload, opts)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" {
				t.Fatalf("error %T %v is not a *dataframe.Error", err, err)
			}
			return
		}
		checkInvariants(t, fr, opts)
		if len(fr.Names) > opts.MaxColumns {
			t.Fatalf("%d columns past the limit", len(fr.Names))
		}
		// The same Parser gives the same answer on a second pass (buffer reuse is clean).
		rows, width := fr.Rows, len(fr.Names)
		vals := append([]float64(nil), fr.Vals...)
		fr2, err := p.Parse(payload, opts)
		if err != nil || fr2.Rows != rows || len(fr2.Names) != width {
			t.Fatalf("second parse differs: %v", err)
		}
		for i := range vals {
			if vals[i] != fr2.Vals[i] && !(vals[i] != vals[i] && fr2.Vals[i] != fr2.Vals[i]) {
				t.Fatalf("second parse value %d differs", i)
			}
		}
	})
}

// fuzzOptions derives Options from the fuzzer's mode byte: the mode, a partition column,
// one of the limits, a short name limit (bit 6).
func fuzzOptions(mode uint8) Options {
	opts := Options{Mode: Mode(mode & 1)}
	if mode&0x40 != 0 {
		opts.MaxNameBytes = 8
	}
	if mode&2 != 0 {
		opts.PartitionColumn = "species"
	}
	switch mode >> 2 & 3 {
	case 1:
		opts.MaxRows = 3
	case 2:
		opts.MaxColumns = 5
	case 3:
		opts.MaxCells = 20
	}
	return opts
}

// fuzzWarm are frames a Parser reads before the fuzzer's: its remembered header is then
// that of a real session (bits 4-5 of mode pick one; 0 = none).
var fuzzWarm = []string{"",
	learnPayload,
	predictPayload,
	`{"attributeNames":["x","species","k"],"data":[["1","Setosa","a"]],"attributeTypes":["C","T","T"]}`}

// FuzzParseDifferential: Parse gives what parseReference, the fastjson implementation,
// gives — the same Frame or the same error — on a fresh Parser, on one that remembers
// another header, and on a second pass (which remembers this one).
func FuzzParseDifferential(f *testing.F) {
	for _, s := range []string{learnPayload, predictPayload, clientOrder(benchFrame(3, 2, 2, true)),
		`{"attributeNames":["a","kind","b"],"attributeTypes":["C","B","T"],"data":[["1.5","0","x"],["2","1","y"]],"errorHandling":1}`,
		`{"attributeNames":["x","species"],"attributeTypes":["C","S"],"data":[["1","setosa"],["2",""]],"errorHandling":1}`,
		`{"attributeNames":["x","species"],"data":[["1e-5"," Setosa "],["NaN","b"],[1,"c"]],"attributeTypes":["C","T"]}`,
		`{"attributeNames":["k","k$a"],"attributeTypes":["T","B"],"data":[["A","1"],[null,"0"]],"errorHandling":1}`,
		`{"attributeNames":["caf\u00e9","q\"","ign"],"attributeTypes":["C","T","X"],"data":[[" 4.5\t","\ud83d\ude00",{"a":[1,null]}],[-1E5,"x\/y",true]],"errorHandling":0}`,
		`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","a\nb"],["2","\u202e"],["3","x"],["4","` + "\u212a\u212a\u212a" + `"]],"errorHandling":1}`,
		`{"attributeNames":["a","k"],"attributeTypes":["C","T"],"data":[["1","\ud800"],["2","\\ud800"]],"errorHandling":1,"extra":1}`,
		`{"attributeNames":["x","species"],"attributeTypes":["C","S"],"data":[["1","a\u0000"],["2","long partition value"]],"errorHandling":1}`,
		`{"attributeNames":["a"],"attributeTypes":["C"],"data":[]}`,
		` { "attributeNames" : [ "a" , "b" ] , "data" : [ [ "1" , "0" ] , [ "" , null ] , "row" , [ "1" ] ] , "attributeTypes" : [ "C" , "B" ] , "errorHandling" : 1 } `,
	} {
		for _, mode := range []uint8{0, 1, 2, 0x13, 0x21, 0x32, 0x06, 0x0a, 0x0c, 0x40, 0x43} {
			f.Add([]byte(s), mode)
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte, mode uint8) {
		opts := fuzzOptions(mode)
		var p, ref Parser
		if w := fuzzWarm[mode>>4&3]; w != "" {
			p.Parse([]byte(w), opts)
		}
		for pass := range 2 {
			f, err := p.Parse(payload, opts)
			rf, rerr := ref.parseReference(payload, opts)
			if d := diffOutcome(f, err, rf, rerr); d != "" {
				t.Fatalf("pass %d, opts %+v: %s", pass, opts, d)
			}
		}
	})
}
