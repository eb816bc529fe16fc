package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// The known-answer vectors of docs/protocol.md 1.2 and 2.
const (
	vecSecret = "A1ciUrDJgm5LIJU710bxeQ=="
	vecCID    = "c1"
	vecDate   = "2025-11-16 20:11:50;294669000"

	learnURL     = "ws://charm:8080/symetry/ws/learn"
	predictURL   = "ws://charm:8080/symetry/ws/predict"
	predictMD5   = "bPXTb+OmmWaRw/5xwdpfyw=="
	predictSig   = "uGFPh96htcxQ7/vtI6RCjuMAVje92dcq617z+RMjQWM="
	learnSig     = "5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng="
	learnMD5     = "QIrbsrJcSCNAYVFjcjkHMw=="
	predictPayld = `{"attributeNames":["sepal_length","sepal_width","petal_length"],"data":[["4.3","3","1.1"]],"attributeTypes":["C","C","C"]}`

	restInfoPath  = "/symetry/rest/c1/projects/irisTest/info"
	restInfoSig   = "k//rgtxhG24fM8p/DA0RZNHkBmkhxr9WlmM+IBRWYWg="
	restBuildPath = "/symetry/rest/c1/projects/irisTest/build"
	restBuildQry  = "algo=lda&modelid=lda1"
	restBuildBody = `{"targets":["12"],"inputAttributes":["0","1","2","3"],"extraParameters":{}}`
	restBuildMD5  = "4X9CgBqOcvXkRJ0a2NYnHw=="
	restBuildSig  = "Igg4xCVfhmY7ycYXYhzwjvDz7rs+3AmgHrwQzyx1ZkA="

	// otherSecret belongs to another customer; rotatedSecret is c1's second secret.
	otherSecret   = "bm90LXRoZS1zYW1lLXNlY3JldA=="
	rotatedSecret = "MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1u"
)

// vecTime is the instant of vecDate.
var vecTime = time.Date(2025, 11, 16, 20, 11, 50, 294669000, time.UTC)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testKeyStore(t testing.TB) *KeyStore {
	t.Helper()
	ks, err := NewKeyStore(map[string][]string{
		vecCID: {vecSecret},
		"c2":   {otherSecret},
		"c3":   {rotatedSecret, vecSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// testVerifier returns a Verifier with the clock at the vectors' date.
func testVerifier(t testing.TB, opts Options, replay *ReplayCache) *Verifier {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock(vecTime)
	}
	return NewVerifier(testKeyStore(t), opts, replay)
}

// splitMessage is a plain, independent reading of "<N>,<header><payload>" with
// encoding/json, for tests.
func splitMessage(msg []byte) (*WSRequest, error) {
	comma := bytes.IndexByte(msg, ',')
	if comma < 1 {
		return nil, errors.New("no length")
	}
	n, err := strconv.Atoi(string(msg[:comma]))
	if err != nil || n < 0 || n > len(msg)-comma-1 {
		return nil, fmt.Errorf("bad length %q", msg[:comma])
	}
	var h struct {
		Headers   []string `json:"headers"`
		ExtraKeys []string `json:"extraKeys"`
	}
	if err := json.Unmarshal(msg[comma+1:comma+1+n], &h); err != nil {
		return nil, err
	}
	if len(h.Headers) != 4 {
		return nil, fmt.Errorf("%d headers", len(h.Headers))
	}
	r := &WSRequest{
		Date: []byte(h.Headers[0]), MD5: []byte(h.Headers[1]), Signature: []byte(h.Headers[2]),
		CID: []byte(h.Headers[3]), Payload: msg[comma+1+n:],
	}
	for _, k := range h.ExtraKeys {
		r.ExtraKeys = append(r.ExtraKeys, []byte(k))
	}
	return r, nil
}

// wsRequest reads a testdata message and sets its connection for url
// ("ws://charm:8080/symetry/ws/learn").
func wsRequest(t testing.TB, file, scheme, host, path string) *WSRequest {
	t.Helper()
	r, err := splitMessage(readTestdata(t, file))
	if err != nil {
		t.Fatal(err)
	}
	r.Scheme, r.Host, r.Path = scheme, host, path
	return r
}

func learnRequest(t testing.TB) *WSRequest {
	return wsRequest(t, "ws_learn_vector.txt", "ws", "charm:8080", "/symetry/ws/learn")
}

func predictRequest(t testing.TB) *WSRequest {
	return wsRequest(t, "ws_predict_vector.txt", "ws", "charm:8080", "/symetry/ws/predict")
}

func restInfoRequest() *RESTRequest {
	return &RESTRequest{Method: "GET", Date: vecDate, Signature: restInfoSig, CID: vecCID,
		Path: restInfoPath, Scheme: "http", Host: "charm:8080"}
}

func restBuildRequest() *RESTRequest {
	return &RESTRequest{Method: "POST", Date: vecDate, MD5: restBuildMD5, Signature: restBuildSig, CID: vecCID,
		Body: []byte(restBuildBody), Path: restBuildPath, RawQuery: restBuildQry, Scheme: "http", Host: "charm:8080"}
}

// wantErr checks that err is sentinel.
func wantErr(t *testing.T, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v, want %v", err, sentinel)
	}
}
