package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
)

// MinSecretBytes is the least a decoded secret may hold.
const MinSecretBytes = 16

// MaxSecretsPerCustomer bounds the active secrets of one customer: a failed verification
// tries each of them.
const MaxSecretsPerCustomer = 8

// b64 decodes Base64 strictly: standard alphabet, padding required, no non-zero trailing
// bits. (It still skips '\r' and '\n'; callers check the encoded length.)
var b64 = base64.StdEncoding.Strict()

// secret is one active secret of a customer.
type secret struct {
	text string // the Base64 text as issued: a line of every string to sign
	key  []byte // its decoded bytes: the HMAC key
}

// KeyStore maps customer ids to their active secrets. It is immutable once built and safe
// for concurrent use.
type KeyStore struct {
	customers map[string][]secret
}

// NewKeyStore builds a KeyStore from customer id → Base64 secrets (standard encoding, at
// least MinSecretBytes decoded, 1 to MaxSecretsPerCustomer per customer, no duplicates).
// Several secrets allow key rotation: any of them verifies. The error lists every problem,
// naming customers and secret positions, never secrets.
func NewKeyStore(customers map[string][]string) (*KeyStore, error) {
	ks := &KeyStore{customers: make(map[string][]secret, len(customers))}
	var errs []error
	cids := make([]string, 0, len(customers))
	for cid := range customers {
		cids = append(cids, cid)
	}
	sort.Strings(cids) // stable error order
	for _, cid := range cids {
		texts := customers[cid]
		if cid == "" {
			errs = append(errs, errors.New("auth: empty customer id"))
			continue
		}
		if hasControl(cid) {
			errs = append(errs, fmt.Errorf("auth: customer id %q holds a control character", cid))
			continue
		}
		if len(texts) == 0 || len(texts) > MaxSecretsPerCustomer {
			errs = append(errs, fmt.Errorf("auth: customer %q has %d secrets, want 1 to %d", cid, len(texts), MaxSecretsPerCustomer))
			continue
		}
		secrets := make([]secret, 0, len(texts))
		for i, text := range texts {
			key, err := decodeSecret(text)
			if err != nil {
				errs = append(errs, fmt.Errorf("auth: customer %q, secret %d: %w", cid, i, err))
				continue
			}
			for j := range i {
				if texts[j] == text {
					errs = append(errs, fmt.Errorf("auth: customer %q, secret %d repeats secret %d", cid, i, j))
				}
			}
			secrets = append(secrets, secret{text: text, key: key})
		}
		ks.customers[cid] = secrets
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ks, nil
}

// decodeSecret decodes a secret's Base64 text. Its errors never quote the secret.
func decodeSecret(text string) ([]byte, error) {
	key, err := b64.DecodeString(text)
	if err != nil || b64.EncodedLen(len(key)) != len(text) {
		return nil, errors.New("not valid standard Base64")
	}
	if len(key) < MinSecretBytes {
		return nil, fmt.Errorf("%d bytes decoded, want at least %d", len(key), MinSecretBytes)
	}
	return key, nil
}

// lookup returns the secrets of customer cid, nil if unknown (or if ks is nil). It does
// not allocate.
func (ks *KeyStore) lookup(cid []byte) []secret {
	if ks == nil {
		return nil
	}
	return ks.customers[string(cid)]
}

// lookupString is lookup for a string.
func (ks *KeyStore) lookupString(cid string) []secret {
	if ks == nil {
		return nil
	}
	return ks.customers[cid]
}

// hasControl reports whether s holds a control character (C0 or DEL).
func hasControl[T bytestring](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}
