package auth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strconv"
	"sync"
	"time"
)

// Signer signs messages as a SymetryML client does, byte for byte (the known-answer vectors
// of docs/protocol.md are its tests). It is safe for concurrent use. Secret must be the customer's
// Base64 secret: NewSigner checks it; a Signer built as a literal with a bad Secret panics
// on first use.
type Signer struct {
	CID    string
	Secret string
	// Now is the clock of the sym-date; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex // guards keyText, mac, buf
	keyText string     // the Secret mac was built for
	mac     hash.Hash
	buf     []byte
}

// NewSigner returns a Signer for customer cid with its Base64 secret; now may be nil.
func NewSigner(cid, secret string, now func() time.Time) (*Signer, error) {
	if _, err := decodeSecret(secret); err != nil {
		return nil, detail(ErrMalformedHeader, "signer secret: %v", err)
	}
	return &Signer{CID: cid, Secret: secret, Now: now}, nil
}

// macLocked returns the HMAC-SHA256 keyed with Secret, reset. s.mu must be held.
func (s *Signer) macLocked() hash.Hash {
	if s.mac == nil || s.keyText != s.Secret {
		key, err := decodeSecret(s.Secret)
		if err != nil {
			panic("auth: Signer.Secret: " + err.Error())
		}
		s.mac, s.keyText = hmac.New(sha256.New, key), s.Secret
	}
	s.mac.Reset()
	return s.mac
}

func (s *Signer) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// AppendWSMessage appends the whole signed WebSocket message
// "<N>,{"headers":[date,md5,signature,cid],"extraKeys":[...]}<payload>" for serviceURL (the
// URL the client dials, e.g. "ws://charm:8080/symetry/ws/learn"), with the final newline
// after the last extra key, as the SymetryML client signs.
func (s *Signer) AppendWSMessage(dst []byte, serviceURL string, extraKeys []string, payload []byte) []byte {
	var date [maxDateLen]byte
	var contentMD5 [md5TextLen]byte
	var sig [44]byte
	d := AppendDate(date[:0], s.now())
	sum := md5.Sum(payload)
	base64.StdEncoding.Encode(contentMD5[:], sum[:])

	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.macLocked()
	s.buf = appendWSHead(s.buf[:0], contentMD5[:], s.Secret, d, s.CID)
	h.Write(s.buf)
	h.Write(payload)
	s.buf = append(s.buf[:0], '\n')
	s.buf = appendLine(s.buf, serviceURL)
	s.buf = appendExtraKeys(s.buf, extraKeys)
	h.Write(s.buf)
	base64.StdEncoding.Encode(sig[:], h.Sum(s.buf[:0]))

	s.buf = append(s.buf[:0], `{"headers":[`...)
	s.buf = appendJSONString(s.buf, d)
	s.buf = append(s.buf, ',')
	s.buf = appendJSONString(s.buf, contentMD5[:])
	s.buf = append(s.buf, ',')
	s.buf = appendJSONString(s.buf, sig[:])
	s.buf = append(s.buf, ',')
	s.buf = appendJSONString(s.buf, s.CID)
	s.buf = append(s.buf, `],"extraKeys":[`...)
	for i, k := range extraKeys {
		if i > 0 {
			s.buf = append(s.buf, ',')
		}
		s.buf = appendJSONString(s.buf, k)
	}
	s.buf = append(s.buf, "]}"...)

	dst = strconv.AppendInt(dst, int64(len(s.buf)), 10)
	dst = append(dst, ',')
	dst = append(dst, s.buf...)
	return append(dst, payload...)
}

// SignREST returns the sym-date, Content-MD5 (empty without a body) and Authorization
// values of a REST request. resource is what is signed as the resource line: the path (e.g.
// "/symetry/rest/c1/projects") or the full URL; rawQuery is the query without '?', or "".
func (s *Signer) SignREST(method, resource, rawQuery string, body []byte) (date, contentMD5, signature string) {
	date = FormatDate(s.now())
	if len(body) > 0 {
		sum := md5.Sum(body)
		contentMD5 = base64.StdEncoding.EncodeToString(sum[:])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.macLocked()
	s.buf = appendRESTHead(s.buf[:0], method, contentMD5, s.Secret, date, s.CID)
	if len(body) > 0 {
		h.Write(s.buf)
		h.Write(body)
		s.buf = append(s.buf[:0], '\n')
	}
	s.buf = appendLine(s.buf, resource)
	s.buf = appendRESTQuery(s.buf, rawQuery)
	h.Write(s.buf)
	return date, contentMD5, base64.StdEncoding.EncodeToString(h.Sum(s.buf[:0]))
}

// appendJSONString appends s as a JSON string, escaping '"', '\\' and control characters.
// Other bytes, including non-ASCII, are written as they are.
func appendJSONString[T bytestring](dst []byte, s T) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
