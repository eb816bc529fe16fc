// Package restapi serves the REST control plane (docs/protocol.md section 2) over the
// operations of package ops. A request goes through, in order:
//
//	route      the raw path and method against the route table: 404 or 405 (an envelope
//	           with statusCode BAD_REQUEST) before anything else
//	headers    the signed headers alone (ops.Scratch.CheckRESTHeaders): a request that
//	           cannot be authentic is refused before its body is read
//	body       read once, whole, into a pooled buffer, at most limits.max_message_bytes
//	           (more: 400, counted as max_message_bytes) within limits.idle_timeout (else
//	           400, counted as idle_timeout), charged to limits.max_unverified_bytes until
//	           verified (past it: 503)
//	inflight   a slot of limits.max_inflight, shared with the WebSocket endpoints (none
//	           within its wait: 503, counted as max_inflight)
//	verify     Customer-ID (when sent) equal to the path's cid, then the signature over
//	           the exact bytes received (replays of changes refused)
//	operation  decode the query and body, call one ops method, encode its reply
//
// Every reply is JSON in the envelope, HTTP code = its status' HTTPCode (404 and 405 aside),
// counted in symscore_requests_total{endpoint="rest_<op>"} with its latency. The handler
// is safe for concurrent use: each request takes its scratch and buffers from pools.
package restapi
