package auth

import (
	"crypto/hmac"
	"hash"
	"time"
	"unicode/utf8"
)

// WSRequest is a signed WebSocket message: the four header strings (JSON-unescaped), its
// extraKeys and payload, and what the server knows of the connection.
type WSRequest struct {
	Date, MD5, Signature, CID, Payload []byte
	ExtraKeys                          [][]byte
	// Scheme ("ws" or "wss"), the Host header and the request path rebuild the service URL.
	Scheme, Host, Path string
	// Change marks a message that changes state (learn, forget): a signature already
	// accepted inside the window is refused, always, and Accepted gives it for the log.
	// Other messages are reads (predict), refused when replayed with Options.ReplayReads,
	// unless Subscribe marks a read-only subscription (SUBSCRIBE.md: replays allowed).
	Change, Subscribe bool
}

// VerifyWS verifies a signed WebSocket message (docs/protocol.md 1.2, 1.3). In order: the four
// header strings are present, the date parses and is inside the window, the customer is
// known, the signature is Base64 of an allowed length, the MD5 matches the payload, the
// HMAC of one of the accepted strings to sign under one of the customer's secrets equals
// the signature (constant-time), and the signature was not accepted before (for a change;
// for a read too with Options.ReplayReads). Errors are the package's sentinels, possibly wrapped with detail. After warm-up,
// a successful verification allocates nothing.
//
// Extra keys must be non-empty and free of control characters: otherwise the lines of the
// string to sign could be regrouped (["a\nb"] signs like ["a","b"]; ["a",""] without the
// final newline like ["a"] with it).
//
// The accepted strings to sign differ in the service URL (the full URL, or the bare path)
// and in the final newline after the last extra key (present or not). The form that
// verified last is tried first, so a client costs one HMAC per message.
func (v *Verifier) VerifyWS(r *WSRequest) error { return v.VerifyWSAt(r, v.opts.Now()) }

// VerifyWSAt is VerifyWS with the date window checked at now instead of Options.Now: a
// server that has already read the clock for the message (when it arrived) passes that
// time and spares a clock read (about 50 ns on a virtual machine).
func (v *Verifier) VerifyWSAt(r *WSRequest, now time.Time) error {
	if len(r.Date) == 0 || len(r.MD5) == 0 || len(r.Signature) == 0 || len(r.CID) == 0 {
		return detail(ErrMalformedHeader, "want four non-empty strings: date, MD5, signature, customer id")
	}
	if hasControl(r.Path) || hasControl(r.Host) {
		return detail(ErrMalformedHeader, "control character in the request URL")
	}
	for i, k := range r.ExtraKeys {
		if len(k) == 0 || hasControl(k) {
			return detail(ErrMalformedHeader, "extra key %d is empty or holds a control character", i)
		}
	}
	date, err := v.checkDate(r.Date, now)
	if err != nil {
		return err
	}
	secrets := v.secretsOf(r.CID)
	if secrets == nil {
		return ErrUnknownCustomer
	}
	sig, isSHA1, err := v.decodeSignature(r.Signature)
	if err != nil {
		return err
	}
	if err := v.checkMD5(r.Payload, r.MD5); err != nil {
		return err
	}
	if !v.matchWS(r, secrets, sig, isSHA1) {
		return ErrBadSignature
	}
	return checkReplay(v, r.CID, r.Change, r.Subscribe, sig, date, now)
}

// matchWS reports whether sig is the MAC of an accepted string to sign under one of secrets.
func (v *Verifier) matchWS(r *WSRequest, secrets []secret, sig []byte, isSHA1 bool) bool {
	for i := range numForms {
		f := formOrder(i, v.lastWSForm)
		if !v.formUsed(f, true) {
			continue
		}
		for s := range secrets {
			h := v.mac(&secrets[s], isSHA1)
			if hmac.Equal(v.wsMAC(h, secrets[s].text, r, f), sig) {
				v.lastWSForm = f
				return true
			}
		}
	}
	return false
}

// maxCopiedPayload is the largest payload wsMAC copies to hash its string to sign in one
// write.
const maxCopiedPayload = 256

// wsMAC computes the HMAC of the string to sign of r in form f with h, whose key is the
// secret whose text is secretText. The payload is hashed in place, not copied.
func (v *Verifier) wsMAC(h hash.Hash, secretText string, r *WSRequest, f form) []byte {
	h.Reset()
	v.buf = appendWSHead(v.buf[:0], r.MD5, secretText, r.Date, r.CID)
	if len(r.Payload) <= maxCopiedPayload {
		// One write of the whole string: cheaper than three for a small payload.
		v.buf = append(v.buf, r.Payload...)
		v.buf = v.appendWSTail(v.buf, r, f)
		h.Write(v.buf)
		return h.Sum(v.sum[:0])
	}
	h.Write(v.buf)
	h.Write(r.Payload)
	v.buf = v.appendWSTail(v.buf[:0], r, f)
	h.Write(v.buf)
	return h.Sum(v.sum[:0])
}

// appendWSTail appends what follows the payload in the string to sign of r in form f.
func (v *Verifier) appendWSTail(dst []byte, r *WSRequest, f form) []byte {
	dst = append(dst, '\n')
	dst = appendServiceURL(dst, f, v.wsBase, r.Scheme, r.Host, r.Path)
	dst = append(dst, '\n')
	dst = appendExtraKeys(dst, r.ExtraKeys)
	if f&formNoFinalNewline != 0 {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// DebugSecret replaces the secret in the strings to sign of AppendStringToSignDebug.
const DebugSecret = "SECRETKEY"

// MaxDebugPayload is the most payload bytes AppendStringToSignDebug writes.
const MaxDebugPayload = 1 << 10

// AppendStringToSignDebug appends the string to sign the server expects for r (full
// service URL, final newline), with the secret replaced by DebugSecret and the payload cut
// to at most MaxDebugPayload bytes (on a UTF-8 boundary), for the values of an
// UNAUTHORIZED reply. It holds no secret; it may be shown to the client.
func (v *Verifier) AppendStringToSignDebug(dst []byte, r *WSRequest) []byte {
	dst = appendWSHead(dst, r.MD5, DebugSecret, r.Date, r.CID)
	dst = append(dst, cutUTF8(r.Payload, MaxDebugPayload)...)
	return v.appendWSTail(dst, r, 0)
}

// cutUTF8 returns b cut to at most n bytes, not inside a UTF-8 sequence.
func cutUTF8(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	for i := n; i > n-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(b[i]) {
			return b[:i]
		}
	}
	return b[:n]
}
