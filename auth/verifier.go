package auth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"hash"
	"strings"
	"time"
)

// Default date window, used when the Options fields are 0.
const (
	DefaultClockSkewPast   = 5 * time.Minute
	DefaultClockSkewFuture = 1 * time.Minute
)

// Options configure a Verifier.
type Options struct {
	// ClockSkewPast is how old a sym-date may be; 0 or less means DefaultClockSkewPast.
	ClockSkewPast time.Duration
	// ClockSkewFuture is how far ahead a sym-date may be; 0 or less means
	// DefaultClockSkewFuture.
	ClockSkewFuture time.Duration
	// AllowSHA1 accepts HMAC-SHA1 signatures (20 bytes decoded) from legacy clients.
	AllowSHA1 bool
	// PublicURL is the base URL clients dial behind a proxy, e.g. "wss://api.example.com".
	// When set, the full service URL of a WebSocket signature is PublicURL + path instead of
	// scheme://Host + path; for REST, a ws:// or wss:// PublicURL counts as http:// or
	// https://. A trailing '/' is ignored.
	PublicURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ReplayReads refuses replayed signatures of reads (WebSocket predict, REST reads) as
	// those of changes are refused (auth.replay_predict): a captured predict must not open
	// a session on the model for anyone else. Subscriptions are never checked.
	ReplayReads bool
}

// maxMACs bounds the HMACs a Verifier keeps (one per secret and algorithm in use).
const maxMACs = 2 * MaxSecretsPerCustomer

// maxSignatureText is the longest signature text decoded: Base64 of 66 bytes, more than
// any MAC. Longer signatures are refused unread.
const maxSignatureText = 88

// md5TextLen is the length of a Base64 MD5.
const md5TextLen = 24

// Verifier verifies signed requests. Use one per connection or goroutine: it is not safe
// for concurrent use. It keeps one HMAC per (secret, algorithm) it has used, created once
// and reset per message, and scratch buffers, so that a successful verification allocates
// nothing after warm-up. It never logs nor returns a string to sign.
type Verifier struct {
	ks       *KeyStore
	opts     Options
	wsBase   string // PublicURL without a trailing '/'; "" to rebuild from the request
	restBase string // the same with ws/wss mapped to http/https
	replay   *ReplayCache

	accepted     replayKey // the last request accepted with a replay check (Accepted)
	acceptedDate time.Time

	macs      []macEntry // at most maxMACs
	nextEvict int        // the entry of macs replaced when it is full

	lastWSForm   form // the string-to-sign form that verified last: tried first
	lastRESTForm form
	dates        dateMemo // the seconds of the last sym-date parsed
	lastCID      []byte   // the customer id looked up last (a copy) ...
	lastSecrets  []secret // ... and its secrets (nil: unknown)

	buf    []byte                         // scratch: parts of a string to sign
	sig    [maxSignatureText / 4 * 3]byte // the decoded signature
	sum    [sha256.Size]byte              // a computed MAC
	md5B64 [md5TextLen]byte               // Base64 of a computed MD5
}

type macEntry struct {
	sec  *secret
	sha1 bool
	h    hash.Hash
}

// form is one accepted shape of a string to sign: which service URL or resource (the full
// URL, or the bare path) and, for WebSocket, whether the final newline is present. With a
// PublicURL, the full URL is PublicURL's, or (formRequestURL) the one rebuilt from the
// request, as a client that dials a node directly signs it (a cluster node's advertised
// URL): it binds no less than the bare path, which is accepted anyway.
type form uint8

const (
	formBarePath       form = 1 << 0
	formNoFinalNewline form = 1 << 1
	formRequestURL     form = 1 << 2
	numForms                = 8 // every combination of the bits; formUsed says which are tried
)

// formUsed reports whether f is an accepted form of a WebSocket (ws) or REST string to sign
// for v: REST has no final-newline variant, and formRequestURL differs from the full URL
// only with a PublicURL, and from nothing with the bare path.
func (v *Verifier) formUsed(f form, ws bool) bool {
	if f&formRequestURL != 0 && (v.wsBase == "" || f&formBarePath != 0) {
		return false
	}
	return ws || f&formNoFinalNewline == 0
}

// NewVerifier returns a Verifier of signatures by the customers of ks. replay is shared by
// all Verifiers; with a nil replay, requests that need a replay check are refused with
// ErrReplayFull (fail closed).
func NewVerifier(ks *KeyStore, opts Options, replay *ReplayCache) *Verifier {
	if opts.ClockSkewPast <= 0 {
		opts.ClockSkewPast = DefaultClockSkewPast
	}
	if opts.ClockSkewFuture <= 0 {
		opts.ClockSkewFuture = DefaultClockSkewFuture
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	v := &Verifier{ks: ks, opts: opts, replay: replay, buf: make([]byte, 0, 512)}
	v.wsBase = strings.TrimSuffix(opts.PublicURL, "/")
	v.restBase = v.wsBase
	if rest, ok := strings.CutPrefix(v.wsBase, "ws://"); ok {
		v.restBase = "http://" + rest
	} else if rest, ok := strings.CutPrefix(v.wsBase, "wss://"); ok {
		v.restBase = "https://" + rest
	}
	return v
}

// checkDate parses a sym-date and checks it against the window at now, in integer
// seconds and nanoseconds (time.Time's Sub only to explain a refusal).
func (v *Verifier) checkDate(b []byte, now time.Time) (time.Time, error) {
	sec, nsec, err := v.dates.parse(b)
	if err != nil {
		return time.Time{}, err
	}
	date := time.Unix(sec, int64(nsec)).UTC()
	// Accept on integers when |age| < 2^32 s (its nanoseconds fit an int64); anything
	// else is judged, and explained, by time.Time as before.
	if ds := now.Unix() - sec; ds > -1<<32 && ds < 1<<32 {
		age := time.Duration(ds)*time.Second + time.Duration(now.Nanosecond()-nsec)
		if age <= v.opts.ClockSkewPast && -age <= v.opts.ClockSkewFuture {
			return date, nil
		}
	}
	if age := now.Sub(date); age > v.opts.ClockSkewPast {
		return date, detail(ErrDateWindow, "sym-date %s is %v old, more than %v", quote(b), age, v.opts.ClockSkewPast)
	}
	if ahead := date.Sub(now); ahead > v.opts.ClockSkewFuture {
		return date, detail(ErrDateWindow, "sym-date %s is %v ahead, more than %v", quote(b), ahead, v.opts.ClockSkewFuture)
	}
	return date, nil
}

// secretsOf is ks.lookup(cid), remembered for the last customer id looked up: the key
// store is immutable, and a Verifier serves the messages of few customers in turn.
func (v *Verifier) secretsOf(cid []byte) []secret {
	if v.lastSecrets != nil && string(cid) == string(v.lastCID) {
		return v.lastSecrets
	}
	secrets := v.ks.lookup(cid)
	if secrets != nil && len(cid) <= maxRememberedCID {
		v.lastCID, v.lastSecrets = append(v.lastCID[:0], cid...), secrets
	}
	return secrets
}

// maxRememberedCID bounds the customer id secretsOf copies.
const maxRememberedCID = 256

// decodeSignature decodes the Base64 signature into v.sig and tells the algorithm by its
// length: 32 bytes HMAC-SHA256, 20 bytes HMAC-SHA1 (only with AllowSHA1).
func (v *Verifier) decodeSignature(text []byte) (mac []byte, isSHA1 bool, err error) {
	if len(text) > maxSignatureText {
		return nil, false, detail(ErrBadSignature, "signature of %d characters", len(text))
	}
	if decodeSig256((*[sha256.Size]byte)(v.sig[:sha256.Size]), text) {
		return v.sig[:sha256.Size], false, nil
	}
	n, err := b64.Decode(v.sig[:], text)
	if err != nil || b64.EncodedLen(n) != len(text) {
		return nil, false, detail(ErrMalformedHeader, "signature is not valid Base64: %s", quote(text))
	}
	switch n {
	case sha256.Size:
		return v.sig[:n], false, nil
	case sha1.Size:
		if !v.opts.AllowSHA1 {
			return nil, false, ErrSHA1NotAllowed
		}
		return v.sig[:n], true, nil
	}
	return nil, false, detail(ErrBadSignature, "signature of %d bytes, want 32 (HMAC-SHA256)", n)
}

// checkMD5 checks that claimed is the Base64 MD5 of body, exactly.
func (v *Verifier) checkMD5(body, claimed []byte) error {
	sum := md5.Sum(body)
	encodeMD5(&v.md5B64, &sum)
	if !equalMD5Text(&v.md5B64, claimed) {
		return detail(ErrMD5Mismatch, "Content-MD5 %s, payload MD5 %q", quote(claimed), v.md5B64[:])
	}
	return nil
}

// mac returns the Verifier's HMAC for sec and the algorithm, creating it on first use.
func (v *Verifier) mac(sec *secret, isSHA1 bool) hash.Hash {
	for i := range v.macs {
		if e := &v.macs[i]; e.sec == sec && e.sha1 == isSHA1 {
			return e.h
		}
	}
	newHash := sha256.New
	if isSHA1 {
		newHash = sha1.New
	}
	e := macEntry{sec: sec, sha1: isSHA1, h: hmac.New(newHash, sec.key)}
	if len(v.macs) < maxMACs {
		v.macs = append(v.macs, e)
	} else {
		v.macs[v.nextEvict] = e
		v.nextEvict = (v.nextEvict + 1) % maxMACs
	}
	return e.h
}

// formOrder returns the i-th form to try: last first, then the others in order.
func formOrder(i int, last form) form {
	switch f := form(i); {
	case i == 0:
		return last
	case f == last:
		return 0
	default:
		return f
	}
}

// appendServiceURL appends the full URL (base, or scheme://host with no base or with
// formRequestURL, then path) or, with formBarePath, the path alone.
func appendServiceURL(dst []byte, f form, base, scheme, host, path string) []byte {
	if f&formRequestURL != 0 {
		base = ""
	}
	if f&formBarePath == 0 {
		if base != "" {
			dst = append(dst, base...)
		} else {
			dst = append(dst, scheme...)
			dst = append(dst, "://"...)
			dst = append(dst, host...)
		}
	}
	return append(dst, path...)
}

// Accepted returns the replay key and the date of the last request this Verifier accepted
// with a replay check (valid until its next verification): for a change, what the server
// keeps durably so that a restarted ReplayCache can Remember it.
func (v *Verifier) Accepted() (key [16]byte, date time.Time) {
	return v.accepted, v.acceptedDate
}
