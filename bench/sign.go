package bench

import (
	"errors"
	"sync"
	"time"
)

// Signer signs symscore messages for one customer; auth.Signer has this shape.
type Signer interface {
	// AppendWSMessage appends the whole signed WebSocket message "<N>,<header><payload>".
	AppendWSMessage(dst []byte, serviceURL string, extraKeys []string, payload []byte) []byte
	// SignREST returns the sym-date, Content-MD5 and Authorization values of a REST request.
	SignREST(method, resource, rawQuery string, body []byte) (date, contentMD5, signature string)
}

// newSigner builds the Signer of customer cid with its secret; now is its clock. Nil while
// the command has no signer: the commands that need one say so.
var newSigner func(cid, secret string, now func() time.Time) Signer

// errNoSigner is returned by commands that need to sign when no signer is available.
var errNoSigner = errors.New("bench: signing is not available in this build")

// uniqueClock is a clock for signing: it never returns the same instant twice, so two
// messages signed by one process never share a date (and therefore a signature, which the
// server would refuse as a replay for learn and forget).
func uniqueClock() func() time.Time {
	var (
		mu   sync.Mutex // guards last
		last time.Time
	)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := time.Now().UTC()
		if !t.After(last) {
			t = last.Add(time.Microsecond)
		}
		last = t
		return t
	}
}
