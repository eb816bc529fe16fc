package auth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strings"
)

// The plain, obviously correct reference: strings to sign by concatenation, exactly as
// docs/protocol.md writes them, and a fresh crypto/hmac per signature.

func refWSStringToSign(contentMD5, secret, date, cid, payload, serviceURL string, keys []string, finalNewline bool) string {
	s := contentMD5 + "\n" + secret + "\n" + date + "\n" + cid + "\n" + payload + "\n" + serviceURL + "\n"
	for _, k := range keys {
		s += k + "\n"
	}
	if !finalNewline {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

func refRESTStringToSign(method, contentMD5, secret, date, cid, body, resource, rawQuery string) string {
	s := method + "\n" + contentMD5 + "\n" + secret + "\n" + date + "\n" + cid + "\n"
	if body != "" {
		s += body + "\n"
	}
	s += resource + "\n"
	if rawQuery != "" {
		s += rawQuery + "\n"
	}
	return s
}

func refMD5(b string) string {
	sum := md5.Sum([]byte(b))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func refSign(newHash func() hash.Hash, secret, stringToSign string) string {
	key, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		panic(err)
	}
	m := hmac.New(newHash, key)
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// refWS is a WebSocket request signed by the reference.
type refWS struct {
	newHash      func() hash.Hash // nil: SHA-256
	secret, cid  string
	date         string
	payload      string
	signedURL    string // the service URL in the string to sign
	keys         []string
	noFinalNL    bool
	scheme, host string // the connection; path is the path of signedURL
	path         string
}

func (c refWS) request() *WSRequest {
	if c.newHash == nil {
		c.newHash = sha256.New
	}
	md := refMD5(c.payload)
	sig := refSign(c.newHash, c.secret, refWSStringToSign(md, c.secret, c.date, c.cid, c.payload, c.signedURL, c.keys, !c.noFinalNL))
	r := &WSRequest{Date: []byte(c.date), MD5: []byte(md), Signature: []byte(sig), CID: []byte(c.cid),
		Payload: []byte(c.payload), Scheme: c.scheme, Host: c.host, Path: c.path}
	for _, k := range c.keys {
		r.ExtraKeys = append(r.ExtraKeys, []byte(k))
	}
	return r
}

// predictRef is the predict vector as a reference request.
func predictRef() refWS {
	return refWS{secret: vecSecret, cid: vecCID, date: vecDate, payload: predictPayld, signedURL: predictURL,
		keys: []string{"irisTest", "testLDA"}, scheme: "ws", host: "charm:8080", path: "/symetry/ws/predict"}
}
