package auth

import (
	"crypto/hmac"
	"hash"
	"time"
)

// RESTRequest is a signed REST request: the method, the sym-date, Content-MD5 and
// Authorization header values, the customer id, the body, and the request URL's parts.
type RESTRequest struct {
	Method, Date, MD5, Signature, CID string
	Body                              []byte
	// Path and RawQuery (without '?') form the resource; Scheme ("http" or "https") and the
	// Host header rebuild the full URL, also accepted as resource.
	Path, RawQuery, Scheme, Host string
	// Change marks a request that changes state (create, delete, learn, forget, build,
	// merge, ...): a signature already accepted inside the window is refused, always, and
	// Accepted gives it for the log. Other requests are reads (list, info, predict,
	// explore, export), refused when replayed with Options.ReplayReads.
	Change bool
}

// VerifyREST verifies a signed REST request (docs/protocol.md 2) like VerifyWS: headers
// present, date, window, customer, signature, Content-MD5 (empty when there is no body,
// the body's Base64 MD5 otherwise), HMAC, and replay (changes; reads with
// Options.ReplayReads). The resource may be
// the path or the full URL. A control character in the method or the URL (a decoded %0A in
// the path) is refused: the lines of the string to sign could be regrouped. After warm-up, a successful verification allocates nothing.
func (v *Verifier) VerifyREST(r *RESTRequest) error {
	var md5Text [md5TextLen + 1]byte
	now := v.opts.Now()
	date, secrets, sig, isSHA1, err := v.restHeaders(r, now)
	if err != nil {
		return err
	}
	if len(r.Body) == 0 {
		if r.MD5 != "" {
			return detail(ErrMD5Mismatch, "Content-MD5 %q without a body, want it empty", r.MD5)
		}
	} else if err := v.checkMD5(r.Body, md5Text[:copy(md5Text[:], r.MD5)]); err != nil {
		return err
	}
	if !v.matchREST(r, secrets, sig, isSHA1) {
		return ErrBadSignature
	}
	return checkReplay(v, r.CID, r.Change, false, sig, date, now)
}

// CheckRESTHeaders runs the checks of VerifyREST that need no body — headers present and
// free of control characters, sym-date format and window, customer known, signature
// Base64 of an allowed length — so that a server can refuse a request before it reads
// (and holds) its body. VerifyREST runs them again.
func (v *Verifier) CheckRESTHeaders(r *RESTRequest) error {
	_, _, _, _, err := v.restHeaders(r, v.opts.Now())
	return err
}

// restHeaders checks what of r needs no body and returns its date, the customer's secrets
// and the decoded signature (aliasing v's buffer).
func (v *Verifier) restHeaders(r *RESTRequest, now time.Time) (date time.Time, secrets []secret, sig []byte, isSHA1 bool, err error) {
	if r.Method == "" || r.Date == "" || r.Signature == "" || r.CID == "" {
		return date, nil, nil, false, detail(ErrMalformedHeader, "want non-empty method, sym-date, Authorization and customer id")
	}
	if hasControl(r.Method) || hasControl(r.Path) || hasControl(r.RawQuery) || hasControl(r.Host) {
		return date, nil, nil, false, detail(ErrMalformedHeader, "control character in the method or URL")
	}
	// The short header values are copied into fixed buffers (one byte longer than any
	// valid value, so that a longer one still fails) to be checked as bytes.
	var dateText [maxDateLen + 1]byte
	var sigText [maxSignatureText + 1]byte
	if date, err = v.checkDate(dateText[:copy(dateText[:], r.Date)], now); err != nil {
		return date, nil, nil, false, err
	}
	if secrets = v.ks.lookupString(r.CID); secrets == nil {
		return date, nil, nil, false, ErrUnknownCustomer
	}
	sig, isSHA1, err = v.decodeSignature(sigText[:copy(sigText[:], r.Signature)])
	return date, secrets, sig, isSHA1, err
}

func (v *Verifier) matchREST(r *RESTRequest, secrets []secret, sig []byte, isSHA1 bool) bool {
	for i := range numForms {
		f := formOrder(i, v.lastRESTForm)
		if !v.formUsed(f, false) {
			continue
		}
		for s := range secrets {
			h := v.mac(&secrets[s], isSHA1)
			if hmac.Equal(v.restMAC(h, secrets[s].text, r, f), sig) {
				v.lastRESTForm = f
				return true
			}
		}
	}
	return false
}

func (v *Verifier) restMAC(h hash.Hash, secretText string, r *RESTRequest, f form) []byte {
	h.Reset()
	v.buf = appendRESTHead(v.buf[:0], r.Method, r.MD5, secretText, r.Date, r.CID)
	if len(r.Body) > 0 {
		h.Write(v.buf)
		h.Write(r.Body)
		v.buf = append(v.buf[:0], '\n')
	}
	v.buf = v.appendRESTTail(v.buf, r, f)
	h.Write(v.buf)
	return h.Sum(v.sum[:0])
}

// appendRESTTail appends the resource and query lines of r in form f.
func (v *Verifier) appendRESTTail(dst []byte, r *RESTRequest, f form) []byte {
	dst = appendServiceURL(dst, f, v.restBase, r.Scheme, r.Host, r.Path)
	dst = append(dst, '\n')
	return appendRESTQuery(dst, r.RawQuery)
}

// AppendRESTStringToSignDebug is AppendStringToSignDebug for a REST request (resource =
// path): secret replaced by DebugSecret, body cut to at most MaxDebugPayload bytes.
func (v *Verifier) AppendRESTStringToSignDebug(dst []byte, r *RESTRequest) []byte {
	dst = appendRESTHead(dst, r.Method, r.MD5, DebugSecret, r.Date, r.CID)
	if len(r.Body) > 0 {
		dst = appendLine(dst, cutUTF8(r.Body, MaxDebugPayload))
	}
	return v.appendRESTTail(dst, r, formBarePath)
}
