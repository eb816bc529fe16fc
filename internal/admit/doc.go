// Package admit bounds what the server takes on at once, for every transport alike: a
// Limiter of requests in flight (limits.max_inflight, shared by WebSocket messages and
// REST requests) and a Budget of bytes held before their signature can be checked
// (limits.max_unverified_bytes). Both are safe for concurrent use.
package admit
