// Package ops is every operation of symscore, written once for every transport: project
// create, delete, info and list, learn and forget, model build, info and delete, predict,
// explore, merge, freeze and unfreeze, export and import, live subscriptions (Watch,
// ParseSubscription, Subscribe over package live's notifier), and the verification of
// signed requests that names the customer they act for.
//
// A transport — the WebSocket endpoints (subscriptions included), the REST control plane,
// and the endpoints to come (uploads, RPC) — is an adapter: it decodes its request, calls one
// method of Service, and encodes the result or the refusal. Nothing here knows of sockets,
// HTTP or frames; wire statuses come from package protocol's one table.
//
// # Customers
//
// Every operation takes a Customer, which only verification makes (Scratch.VerifyWS,
// Scratch.VerifyREST): an operation can act only for a customer whose signature was
// checked, and sees only that customer's projects and jobs.
//
// # Refusals
//
// Every error an operation or a verification returns is a *Refusal: the wire status, the
// client message, and for authentication its reason. One table (refusal.go) maps the
// sentinels and typed errors of every package to them, counts refusals by limit and by
// authentication reason, and logs internal errors, which reach the client as "internal
// error" only. A refused operation changed nothing.
//
// # Logs
//
// log.go says what is logged: authentication failures at warn (LogRefusal, which a
// transport calls with the caller it knows: remote address, endpoint, customer named;
// rate-limited), every change of a project or a model at info (the operations log their
// own; transports log REST learns and a WebSocket session's learns in totals), failed
// builds at warn, and a line per request at debug (LogRequest, behind DebugEnabled so that
// a request allocates nothing for it otherwise).
//
// # Scratch and lifetimes
//
// The per-request scratch — message and DataFrame parsers, the verifier, prediction
// buffers — is a *Scratch from Service.Scratch, given back with Service.Release; handling
// a message allocates nothing after warm-up. A Scratch is used by one goroutine at a time.
// What an operation returns that points into the scratch (Predictions) is valid until the
// scratch is released or used for the next Predict; everything else is the caller's.
//
// # The store
//
// Every call into package store is in store.go, so that changes of the store's API land in
// one file. Service is safe for concurrent use; it holds no lock of its own besides the
// job table's (jobs.go) and the authentication log's limiter (log.go), neither held while
// calling the store or the other.
package ops
