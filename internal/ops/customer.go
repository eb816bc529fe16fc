package ops

// Customer is a verified customer: the identity an operation acts for. Only verification
// makes one (Scratch.VerifyWS, Scratch.VerifyREST); the zero value is no customer, and
// every operation refuses it. A value: copy it freely.
type Customer struct{ id string }

// ID is the customer id (cid).
func (c Customer) ID() string { return c.id }

// Valid reports whether c is a verified customer (not the zero value).
func (c Customer) Valid() bool { return c.id != "" }
