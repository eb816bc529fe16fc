// Package testkit is symscore's test kit: the test server configuration (Config), signed
// WebSocket clients (DialSym) and REST clients (NewREST) that sign as SymetryML clients do,
// and test data (generated datasets, iris, reference checks). Its subpackages are
// testserver, which starts a server (Start: loopback ports chosen by the system, a
// temporary data directory, shut down when the test ends) and reads its metrics through
// the admin listener, and rawws, the raw WebSocket client. The race flag, Eventually and the
// test secrets are in package testenv.
//
// testkit and rawws import no package that imports the server, so that the tests of the
// packages the server is made of can use them; testserver imports the server. Only tests
// import any of them (the architecture test pins that). They talk to the server only as
// clients do — the wire and the admin listener — plus the hooks server.WithHooks offers.
package testkit
