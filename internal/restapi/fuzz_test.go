package restapi

import (
	"errors"
	"testing"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// FuzzRESTBodies: the decoders of REST bodies (project parameters, exploration contexts,
// imports, upload announces and finalizes) never panic, and refuse with BAD_REQUEST errors whose messages have no control bytes.
func FuzzRESTBodies(f *testing.F) {
	for _, s := range []string{``, `{"partitionSplit":"species"}`, `{"a":"b","c":"\u00e9"}`,
		`{"values":[{"targets":["12"],"inputAttributes":["0","1"],"extraParameters":{"alpha":"1.0"}}]}`,
		`{"values":[{"inputAttributeNames":["x","y"]},{"inputAttributes":[0]}]}`, `{"values":[]}`, `[1]`, `{"a":1}`,
		`{"pid":"iris","name":"iris.csv","size":123456789,"format":"csv"}`, `{"op":"forget","types":"C,C,B,T","errorHandling":1}`,
		`{"size":1e3}`, `{"size":-1}`, `{"size":9223372036854775808}`,
		`{"projectState":"AAAA"}`, `{"projectState":"\ud800"}`, `{"projectState":1}`} {
		f.Add([]byte(s))
	}
	check := func(t *testing.T, err error) {
		if err == nil {
			return
		}
		var pe *protocol.Error
		var me *model.Error
		switch {
		case errors.As(err, &pe):
			if pe.Status != protocol.StatusBadRequest {
				t.Fatalf("status %v for %v", pe.Status, err)
			}
		case errors.As(err, &me):
		default:
			t.Fatalf("error %T %v is not a client error", err, err)
		}
		for _, c := range []byte(err.Error()) {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("error message %q holds a control byte", err.Error())
			}
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := ops.ParseProjectParams(body)
		check(t, err)
		_, err = parseExploreContexts(body)
		check(t, err)
		_, err = parseImport(body)
		check(t, err)
		a, err := parseAnnounce(body)
		check(t, err)
		if err == nil && (a.PID == "" && a.Name == "" || a.Size < 0 || a.Format == "") {
			t.Fatalf("announce %+v accepted", a)
		}
		fa, err := parseFinalize(body)
		check(t, err)
		if err == nil && fa.ErrorHandling < 0 {
			t.Fatalf("finalize %+v accepted", fa)
		}
	})
}
