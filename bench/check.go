package bench

import (
	"bytes"
	"fmt"

	"github.com/valyala/fastjson"
)

// okPrefix is how symscore starts every OK envelope.
var okPrefix = []byte(`{"statusCode":"OK",`)

// CheckStatusOK accepts a reply envelope whose statusCode is "OK". An envelope that starts
// like symscore's OK envelope ({"statusCode":"OK",) is accepted without further parsing;
// anything else is parsed as JSON. Safe for concurrent use.
func CheckStatusOK(reply []byte) error {
	if bytes.HasPrefix(reply, okPrefix) {
		return nil
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(reply)
	if err != nil {
		return fmt.Errorf("bench: reply is not JSON: %v: %q", err, cut(reply))
	}
	code := v.GetStringBytes("statusCode")
	switch {
	case code == nil:
		return fmt.Errorf("bench: reply has no statusCode: %q", cut(reply))
	case string(code) != "OK":
		return fmt.Errorf("bench: reply status %s: %q", code, cut(v.GetStringBytes("statusString")))
	}
	return nil
}

// CheckEqual returns a check that accepts only a reply equal to want (an echo).
func CheckEqual(want []byte) func([]byte) error {
	want = bytes.Clone(want)
	return func(reply []byte) error {
		if !bytes.Equal(reply, want) {
			return fmt.Errorf("bench: echo differs: got %d bytes %q, want %d bytes %q", len(reply), cut(reply), len(want), cut(want))
		}
		return nil
	}
}

// cut is at most the first 80 bytes of b, for error messages.
func cut(b []byte) []byte {
	if len(b) > 80 {
		return b[:80]
	}
	return b
}

// namesPrefix starts the first message of a live subscription (docs/subscribe.md).
var namesPrefix = []byte(`{"type":"names",`)

// CheckSubscribed verifies the first message of a subscription connection: the names
// message, not an error.
func CheckSubscribed(reply []byte) error {
	if bytes.HasPrefix(reply, namesPrefix) {
		return nil
	}
	return fmt.Errorf("bench: the subscription was refused: %q", cut(reply))
}
