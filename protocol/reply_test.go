package protocol

import (
	"encoding/json"
	"math"
	"testing"
)

func TestReplies(t *testing.T) {
	f := func(got []byte, want string) {
		t.Helper()
		if string(got) != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		if !json.Valid(got) {
			t.Errorf("not valid JSON: %s", got)
		}
	}
	f(AppendOK(nil), `{"statusCode":"OK","statusString":"OK","values":{}}`)
	f(AppendReply(nil, StatusOK, "OK"), `{"statusCode":"OK","statusString":"OK","values":{}}`)
	f(AppendReply(nil, StatusBadRequest, `row 3, column "sepal_width": "abc" is not a number`),
		`{"statusCode":"BAD_REQUEST","statusString":"row 3, column \"sepal_width\": \"abc\" is not a number","values":{}}`)
	f(AppendReply(nil, StatusConflict, "replayed request"),
		`{"statusCode":"CONFLICT","statusString":"replayed request","values":{}}`)

	b := AppendEnvelopeOpen(nil, StatusOK, "OK")
	b = AppendRowCounts(b, 148, 2)
	f(AppendEnvelopeClose(b), `{"statusCode":"OK","statusString":"OK","values":{"rowsApplied":148,"rowsSkipped":2}}`)

	// The predict reply of the WebSocket API documentation.
	b = AppendEnvelopeOpen(nil, StatusOK, "OK")
	b = AppendKSVSMapOpen(b)
	b = append(b, `{"res":`...)
	b = AppendJSONString(b, "1")
	b = append(b, `,"normZ":`...)
	b = AppendFloatString(b, 0.2929126883636288)
	b = append(b, `,"z0":`...)
	b = AppendFloatString(b, math.NaN())
	b = append(b, '}')
	b = AppendKSVSMapClose(b)
	f(AppendEnvelopeClose(b),
		`{"statusCode":"OK","statusString":"OK","values":{"KSVSMap":{"values":[{"res":"1","normZ":"0.2929126883636288","z0":null}]}}}`)

	b = AppendEnvelopeOpen(nil, StatusOK, "OK")
	b = AppendKSVDMapOpen(b)
	b = append(b, `{"mean":`...)
	b = AppendFloat(b, 2.5)
	b = append(b, `,"var":`...)
	b = AppendFloat(b, math.Inf(1))
	b = append(b, `},{}`...)
	b = AppendKSVDMapClose(b)
	f(AppendEnvelopeClose(b),
		`{"statusCode":"OK","statusString":"OK","values":{"KSVDMap":{"values":[{"mean":2.5,"var":null},{}]}}}`)

	b = AppendEnvelopeOpen(nil, StatusUnauthorized, "bad signature")
	b = AppendStringToSignValue(b, []byte("md5\nSECRETKEY\n2025-11-16 20:11:50\nc1\n{\"a\":1}\n/p\n"))
	f(AppendEnvelopeClose(b),
		`{"statusCode":"UNAUTHORIZED","statusString":"bad signature","values":{"stringToSign":"md5\nSECRETKEY\n2025-11-16 20:11:50\nc1\n{\"a\":1}\n/p\n"}}`)
}
