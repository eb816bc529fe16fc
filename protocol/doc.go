// Package protocol parses and encodes SymetryML wire messages: framing, header envelopes,
// reply envelopes and the table of wire statuses.
package protocol
