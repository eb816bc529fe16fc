// Package reply encodes the results and refusals of operations (package ops) as SymetryML
// JSON replies: the envelope {"statusCode":..,"statusString":..,"values":{...}} that the
// WebSocket endpoints and the REST control plane both send (docs/protocol.md section 4).
// Transports that speak another encoding (RPC's MessagePack) write their own from the same
// results.
//
// Every function appends to the caller's buffer. AppendPredictions, AppendLearn,
// AppendOK and AppendRefusal (without a string to sign) allocate nothing once a KeyCache
// is warm: they are the WebSocket hot path. The others describe projects and models and may
// allocate.
package reply
