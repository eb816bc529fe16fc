package auth

import (
	"errors"
	"fmt"
	"strconv"
)

// Errors returned by verification. Callers test them with errors.Is; the returned error may
// wrap one with detail (never a secret nor a string to sign). Wire statuses are listed in
// the package documentation.
var (
	ErrMalformedHeader = errors.New("auth: missing or malformed authentication header")
	ErrDateFormat      = errors.New("auth: bad sym-date format, want yyyy-MM-dd HH:mm:ss[;fraction]")
	ErrDateWindow      = errors.New("auth: sym-date outside the accepted window")
	ErrMD5Mismatch     = errors.New("auth: content MD5 does not match the payload")
	ErrUnknownCustomer = errors.New("auth: unknown customer")
	ErrBadSignature    = errors.New("auth: bad signature")
	ErrSHA1NotAllowed  = errors.New("auth: HMAC-SHA1 signatures are not allowed")
	ErrReplay          = errors.New("auth: replayed request")
	ErrReplayFull      = errors.New("auth: replay memory full, signed messages refused")
)

// maxQuote is the most bytes of client input an error quotes.
const maxQuote = 40

// quote returns at most maxQuote bytes of b as a Go-quoted string (printable, escaped),
// followed by "..." when b is longer. Error paths only.
func quote(b []byte) string {
	if len(b) > maxQuote {
		return strconv.Quote(string(b[:maxQuote])) + "..."
	}
	return strconv.Quote(string(b))
}

// detail wraps sentinel with a description. Error paths only.
func detail(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
