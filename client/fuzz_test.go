package client

import "testing"

// FuzzParseReply: reading a server's reply never panics, whatever the bytes, and the typed
// views of a reply that parsed do not either.
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{
		`{"statusCode":"OK","statusString":"OK","values":{}}`,
		`{"statusCode":"OK","statusString":"OK","values":{"KSVSMap":{"values":[{"res":"1","prob":"0.25","z":null}]}}}`,
		`{"statusCode":"OK","statusString":"OK","values":{"KSVDMap":{"values":[{"mean":1.5,"x":null}]}}}`,
		`{"statusCode":"UNAUTHORIZED","statusString":"bad signature","values":{"stringToSign":"x\nSECRETKEY\n"}}`,
		`{"statusCode":"OK","statusString":"OK","values":{"rowsApplied":2,"rowsSkipped":1}}`,
		`{"statusCode":"OK","statusString":"OK","values":{"stringList":{"values":["a","b"]}}}`,
	} {
		f.Add([]byte(s), 200)
	}
	f.Fuzz(func(t *testing.T, body []byte, code int) {
		r, err := parseReply(body, code)
		if err != nil || r == nil {
			return
		}
		r.Predictions()
		r.PredictionKeys()
		r.Statistics()
		r.StringList()
		r.RowCounts()
		r.Object("smlInfo")
	})
}
