package auth

import (
	"bytes"
	"testing"
)

// TestVectorsVerify: the four known answers of PROTOCOL.md verify with the clock at their
// date.
func TestVectorsVerify(t *testing.T) {
	v := testVerifier(t, Options{}, NewReplayCache(10, DefaultClockSkewPast))
	learn := learnRequest(t)
	learn.Change = true
	if err := v.VerifyWS(learn); err != nil {
		t.Errorf("real learn message: %v", err)
	}
	if err := v.VerifyWS(predictRequest(t)); err != nil {
		t.Errorf("predict vector: %v", err)
	}
	if err := v.VerifyREST(restInfoRequest()); err != nil {
		t.Errorf("REST GET info: %v", err)
	}
	if err := v.VerifyREST(restBuildRequest()); err != nil {
		t.Errorf("REST POST build: %v", err)
	}
}

// TestVectorsSign: the Signer reproduces the vectors byte for byte, the first one being the
// whole real message of the vendor's client.
func TestVectorsSign(t *testing.T) {
	s, err := NewSigner(vecCID, vecSecret, fixedClock(vecTime))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, url string
		keys      []string
	}{
		{"ws_learn_vector.txt", learnURL, []string{"rtest1"}},
		{"ws_predict_vector.txt", predictURL, []string{"irisTest", "testLDA"}},
	} {
		want := readTestdata(t, c.file)
		r, err := splitMessage(want)
		if err != nil {
			t.Fatal(err)
		}
		got := s.AppendWSMessage([]byte("x"), c.url, c.keys, r.Payload)
		if !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Errorf("%s:\ngot  %s\nwant %s", c.file, got[1:], want)
		}
	}
	pr := predictRequest(t)
	if string(pr.MD5) != predictMD5 || string(pr.Signature) != predictSig || !bytes.Equal(pr.Payload, []byte(predictPayld)) {
		t.Errorf("predict vector file does not hold the PROTOCOL.md values: %q %q", pr.MD5, pr.Signature)
	}
	lr := learnRequest(t)
	if string(lr.MD5) != learnMD5 || string(lr.Signature) != learnSig || string(lr.Date) != vecDate {
		t.Errorf("learn vector file does not hold the PROTOCOL.md values: %q %q %q", lr.MD5, lr.Signature, lr.Date)
	}

	date, md5, sig := s.SignREST("GET", restInfoPath, "", nil)
	if date != vecDate || md5 != "" || sig != restInfoSig {
		t.Errorf("REST GET info: %q %q %q", date, md5, sig)
	}
	date, md5, sig = s.SignREST("POST", restBuildPath, restBuildQry, []byte(restBuildBody))
	if date != vecDate || md5 != restBuildMD5 || sig != restBuildSig {
		t.Errorf("REST POST build: %q %q %q", date, md5, sig)
	}
}

// TestSignerLiteral: a Signer built as a struct literal works, and a bad secret panics
// rather than sign with a wrong key.
func TestSignerLiteral(t *testing.T) {
	s := &Signer{CID: vecCID, Secret: vecSecret, Now: fixedClock(vecTime)}
	if _, _, sig := s.SignREST("GET", restInfoPath, "", nil); sig != restInfoSig {
		t.Errorf("literal Signer: %q", sig)
	}
	if _, err := NewSigner(vecCID, "not base64!", nil); err == nil {
		t.Error("NewSigner accepted a bad secret")
	}
	defer func() {
		if recover() == nil {
			t.Error("a Signer with a bad secret signed")
		}
	}()
	(&Signer{CID: vecCID, Secret: "c2hvcnQ="}).SignREST("GET", "/", "", nil)
}
