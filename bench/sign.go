package bench

import (
	"sync"
	"time"

	"github.com/symscore/symscore/auth"
)

// Signer signs symscore messages for one customer; *auth.Signer is the implementation.
type Signer interface {
	// AppendWSMessage appends the whole signed WebSocket message "<N>,<header><payload>".
	AppendWSMessage(dst []byte, serviceURL string, extraKeys []string, payload []byte) []byte
	// SignREST returns the sym-date, Content-MD5 and Authorization values of a REST request.
	SignREST(method, resource, rawQuery string, body []byte) (date, contentMD5, signature string)
}

// newSigner builds the Signer of customer cid with its Base64 secret; now is its clock.
// A variable so that tests can see what is signed.
var newSigner = func(cid, secret string, now func() time.Time) (Signer, error) {
	s, err := auth.NewSigner(cid, secret, now)
	if err != nil {
		return nil, err
	}
	return s, nil
}

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
