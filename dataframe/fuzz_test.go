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
