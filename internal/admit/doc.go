// Package admit bounds what the server takes on at once, for every transport alike:
//
//   - a Limiter of requests in flight (limits.max_inflight, shared by WebSocket messages
//     and REST requests);
//   - Unverified, the bytes received and held before their signature can be checked
//     (limits.max_unverified_bytes, per address and per connection), charged through
//     each connection's Hold;
//   - Budgets of authenticated bytes in flight (limits.max_inflight_bytes, with a Child
//     per customer for limits.max_inflight_bytes_per_customer);
//   - a Pool of slots for CPU-heavy work (builds, explorations), served to customers in
//     turn.
//
// All of them are safe for concurrent use.
package admit
