// Package auth signs and verifies SymetryML requests: key store, HMAC signatures, date
// window and replay refusal. It needs only the standard library's crypto packages.
package auth
