package bench

import (
	"sync"
	"time"

	"github.com/symscore/symscore/auth"
)

// Signer signs the first message of a connection for one customer; *auth.Signer is the
// implementation (NewSigner).
type Signer interface {
	// AppendWSMessage appends the whole signed WebSocket message "<N>,<header><payload>".
	AppendWSMessage(dst []byte, serviceURL string, extraKeys []string, payload []byte) []byte
}

// NewSigner builds the Signer of customer cid with its Base64 secret; now is its clock.
func NewSigner(cid, secret string, now func() time.Time) (Signer, error) {
	s, err := auth.NewSigner(cid, secret, now)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// UniqueClock is a clock for signing: it never returns the same instant twice, so two
// messages signed by one process never share a date (and therefore a signature, which the
// server would refuse as a replay for learn and forget).
func UniqueClock() func() time.Time {
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
