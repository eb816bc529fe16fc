// Package auth signs and verifies SymetryML requests (docs/protocol.md 1.2, 1.3, 2): the key
// store, HMAC signatures over strings to sign, the date window and replay refusal. It needs
// only the standard library.
//
// # Verifying
//
// A KeyStore (immutable, shared) maps customer ids to their active secrets; several
// secrets per customer allow rotation. A ReplayCache (shared, bounded) remembers accepted
// signatures. A Verifier (one per connection or goroutine, not safe for concurrent use)
// checks a WSRequest or RESTRequest in this order: header strings present and free of
// control characters, sym-date format, date window, customer known, signature Base64 of an
// allowed length, Content-MD5 equal to Base64(MD5(payload)), HMAC equal to the signature
// under one of the customer's secrets (hmac.Equal), and the signature not accepted before
// (recorded only once everything else passed): always for a change (the request's Change),
// for a read too with Options.ReplayReads (auth.replay_predict), never for a subscription
// (Subscribe). After warm-up a successful verification allocates nothing: each Verifier
// keeps one HMAC per (secret, algorithm), created once — crypto/hmac then holds the hash
// states after the key's inner and outer pads and restores them on Reset — and reset per
// message; the string to sign is streamed into it in three writes (the lines before the
// payload, the payload in place, the lines after), or, for a payload of at most 256 bytes,
// assembled in the Verifier's buffer and written once (cheaper); the signature is
// decoded into the Verifier's array, the MD5 summed on the stack, both compared in constant
// time. The date window is checked in integer seconds.
//
// Accepted strings to sign: for WebSocket, the service URL is the full URL
// (scheme://Host/path, or Options.PublicURL + path behind a proxy) or the bare path, each
// with or without the newline after the last extra key; for REST, the resource is the path
// or the full URL. With a PublicURL, the full URL rebuilt from the request is accepted too
// (a client dialling a cluster node directly). The form that verified last is tried first;
// a bad signature costs one HMAC per form and secret: 4 (WebSocket) and 2 (REST) per
// secret, 6 and 3 with a PublicURL. The signature's decoded
// length chooses the algorithm: 32 bytes HMAC-SHA256; 20 bytes HMAC-SHA1, refused unless
// Options.AllowSHA1; anything else is a bad signature. The client never chooses alone.
//
// Dates are UTC "yyyy-MM-dd HH:mm:ss" with an optional ';' and 1–9 fraction digits
// (ParseDate, strict), accepted from ClockSkewPast before to ClockSkewFuture after
// Options.Now, edges included (defaults 5 minutes and 1 minute).
//
// # Replays
//
// A ReplayCache keys an accepted message by the first 16 bytes of its MAC and keeps it
// until its date leaves the window (date + ClockSkewPast), when the date check refuses the
// message anyway. NewCustomerReplayCache splits its capacity evenly among the customers of
// a KeyStore: each customer's share is filled by its own messages only, so that one
// customer flooding it gets its own new messages refused and never another's. A share has
// a pool for changes and one of the same size for reads, so that reads never crowd out
// changes. A pool is split over up to 16 locked shards; when a shard is full of live
// entries, new messages are refused with ErrReplayFull rather than remembered less: it
// fails closed, as does a nil cache. A message that fails later (a bad DataFrame) stays
// recorded: a client retries with a new date, hence a new signature. NewReplayCache makes
// one share for everyone (tests, single-customer uses).
//
// A cache starts empty: to refuse after a restart what was accepted before it, the server
// keeps the key and date of every accepted signed change (Verifier.Accepted) in its log and
// gives them back to the new cache (ReplayCache.Remember), which keeps them apart from the
// shares and refuses them for every customer; if they overflow their pool (the whole
// capacity), every check fails closed until the newest one left out has expired. Reads
// are remembered in memory only unless the server logs them too.
//
// # Errors and wire statuses
//
// Errors are these sentinels, possibly wrapped with detail (test with errors.Is). The
// server maps them to wire statuses:
//
//	ErrMalformedHeader  BAD_REQUEST          400
//	ErrDateFormat       BAD_REQUEST          400
//	ErrDateWindow       BAD_REQUEST          400
//	ErrMD5Mismatch      BAD_REQUEST          400
//	ErrUnknownCustomer  UNAUTHORIZED         401
//	ErrBadSignature     UNAUTHORIZED         401  values.stringToSign: AppendStringToSignDebug
//	ErrSHA1NotAllowed   UNAUTHORIZED         401
//	ErrReplay           CONFLICT             409  "replayed request"
//	ErrReplayFull       SERVICE_UNAVAILABLE  503  (the customer's share is full)
//
// Secrets and strings to sign never appear in errors; error details quote at most 40 bytes
// of client input. AppendStringToSignDebug writes the expected string to sign with the
// secret replaced by "SECRETKEY" and the payload cut to 1 KiB, for UNAUTHORIZED replies.
//
// # Canonical strings
//
// A string to sign is lines joined by "\n", so a line holding a newline could be regrouped
// into other fields. Extra keys must be non-empty and free of control characters (["a\nb"]
// would sign like ["a","b"]; ["a",""] without the final newline like ["a"] with it), as must
// the method, path, query and host. The payload may hold newlines: its MD5, signed on the
// first line and checked against it, pins it.
//
// # Signing
//
// Signer (safe for concurrent use) signs as the SymetryML client does: AppendWSMessage
// writes a whole framed message "<N>,<header><payload>" with the full service URL and the
// final newline; SignREST returns the sym-date, Content-MD5 and Authorization values.
// FormatDate and AppendDate write sym-dates with nanoseconds.
package auth
