package auth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strings"
	"time"
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

// refVerifyWS is the plain reference verifier: the sentinel docs/protocol.md's rules give
// for r (nil if it verifies), checking in the Verifier's order, with every accepted string
// to sign built by concatenation and signed by a fresh HMAC (refSign) under each of the
// customer's secrets, and compared as Base64 text.
func refVerifyWS(customers map[string][]string, now time.Time, r *WSRequest) error {
	ctl := func(s string) bool {
		return strings.ContainsFunc(s, func(c rune) bool { return c < 0x20 || c == 0x7f })
	}
	if len(r.Date) == 0 || len(r.MD5) == 0 || len(r.Signature) == 0 || len(r.CID) == 0 || ctl(r.Path) || ctl(r.Host) {
		return ErrMalformedHeader
	}
	keys := make([]string, len(r.ExtraKeys))
	for i, k := range r.ExtraKeys {
		if len(k) == 0 || ctl(string(k)) {
			return ErrMalformedHeader
		}
		keys[i] = string(k)
	}
	date, err := ParseDate(r.Date)
	if err != nil {
		return ErrDateFormat
	}
	if now.Sub(date) > DefaultClockSkewPast || date.Sub(now) > DefaultClockSkewFuture {
		return ErrDateWindow
	}
	secrets, ok := customers[string(r.CID)]
	if !ok {
		return ErrUnknownCustomer
	}
	if len(r.Signature) > maxSignatureText {
		return ErrBadSignature
	}
	mac, err := base64.StdEncoding.Strict().DecodeString(string(r.Signature))
	if err != nil || base64.StdEncoding.EncodeToString(mac) != string(r.Signature) {
		return ErrMalformedHeader
	}
	switch len(mac) {
	case sha256.Size:
	case sha1.Size:
		return ErrSHA1NotAllowed
	default:
		return ErrBadSignature
	}
	if refMD5(string(r.Payload)) != string(r.MD5) {
		return ErrMD5Mismatch
	}
	for _, url := range []string{r.Scheme + "://" + r.Host + r.Path, r.Path} {
		for _, final := range []bool{true, false} {
			for _, secret := range secrets {
				sts := refWSStringToSign(string(r.MD5), secret, string(r.Date), string(r.CID), string(r.Payload), url, keys, final)
				if refSign(sha256.New, secret, sts) == string(r.Signature) {
					return nil
				}
			}
		}
	}
	return ErrBadSignature
}
