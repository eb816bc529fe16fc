// Package restapi serves the REST control plane (docs/protocol.md section 2) over the
// operations of package ops. A request goes through, in order:
//
//	route      the raw path and method against the route table: 404 or 405 (an envelope
//	           with statusCode BAD_REQUEST) before anything else
//	headers    the signed headers alone (ops.Scratch.CheckRESTHeaders): a request that
//	           cannot be authentic is refused before its body is read
//	body       read once, whole, into a pooled buffer, at most limits.max_message_bytes
//	           (more: 400, counted as max_message_bytes) within limits.auth_timeout (else
//	           400, counted as auth_timeout), every byte charged as it arrives to
//	           limits.max_unverified_bytes, its per-address bound (past either: 503) and its
//	           per-connection bound (past it: 400) until verified
//	inflight   a slot of limits.max_inflight, shared with the WebSocket endpoints (none
//	           within its wait: 503, counted as max_inflight)
//	verify     Customer-ID (when sent) equal to the path's cid, then the signature over
//	           the exact bytes received (replays of changes refused); the listener then
//	           counts the connection as authenticated (Options.Verified)
//	held       the verified body charged to the customer's in-flight bytes until the reply
//	           (limits.max_inflight_bytes_per_customer, limits.max_inflight_bytes; past
//	           either: 503)
//	operation  decode the query and body, call one ops method, encode its reply
//	           (explore stops when the request's context ends: its client has gone)
//
// Every reply is JSON in the envelope, HTTP code = its status' HTTPCode (404 and 405 aside),
// counted in symscore_requests_total{endpoint="rest_<op>"} with its latency. The handler
// is safe for concurrent use: each request takes its scratch and buffers from pools.
package restapi
