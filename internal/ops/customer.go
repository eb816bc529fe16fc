package ops

import "github.com/symscore/symscore/internal/admit"

// Customer is a verified customer: the identity an operation acts for. Only verification
// makes one (Scratch.VerifyWS, Scratch.VerifyREST); the zero value is no customer, and
// every operation refuses it. A value: copy it freely.
type Customer struct {
	id       string
	inflight *admit.Budget // the customer's share of limits.max_inflight_bytes; nil in tests
}

// ID is the customer id (cid).
func (c Customer) ID() string { return c.id }

// Valid reports whether c is a verified customer (not the zero value).
func (c Customer) Valid() bool { return c.id != "" }

// InflightBytes is the budget of the customer's message bytes in flight
// (limits.max_inflight_bytes_per_customer, within Service.InflightBytes): transports charge
// a message's bytes to it from their first byte until the reply. Shared by all the
// customer's connections and requests.
func (c Customer) InflightBytes() *admit.Budget { return c.inflight }
