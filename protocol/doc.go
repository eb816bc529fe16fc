// Package protocol parses and encodes SymetryML wire messages: the framing of WebSocket
// messages, their signed header, the reply envelopes, and the one table of wire statuses.
// It does not verify signatures (package auth does) nor parse DataFrames (package
// dataframe does).
//
// # Messages
//
// A WebSocket text message is one of three forms (docs/protocol.md 1.1):
//
//	FormFramed: the header length, a comma, the header, the payload
//
//	+-------+---+--------------------------------------------------+----------------+
//	| N     | , | header JSON (exactly N bytes)                    | payload JSON   |
//	| 1..9  |   | {"headers":[date,md5,signature,cid],             | {"attributeNam |
//	| digits|   |  "extraKeys":[key,...]}                          | es":...}       |
//	+-------+---+--------------------------------------------------+----------------+
//	^ byte 0                                                  payload at byte ^
//	                                                          digits + 1 + N
//
//	FormSession: a bare payload, first byte '{', on an authenticated connection
//
//	+----------------------------------------------------------------------------+
//	| payload JSON {"attributeNames":...}                                        |
//	+----------------------------------------------------------------------------+
//
//	FormLegacy (SymetryML 5.x, only with Parser.AllowLegacy)
//
//	+--------------------------------------------------+------------+------------+
//	| header JSON {"headers":[...],"extraKeys":[...]}  | -289907289 | payload    |
//	+--------------------------------------------------+------------+------------+
//
// The first byte decides: an ASCII digit is FormFramed; '{' is FormLegacy when the JSON
// object at byte 0 starts with the key "headers" or "extraKeys" and is followed
// immediately by "-289907289", FormSession otherwise; anything else is refused.
//
// N is decimal ASCII: no sign, no leading zero, 1 to 9 digits, not 0, at most the bytes
// that follow the comma. The header is exactly one JSON object, no whitespace around it,
// at most Parser.MaxHeaderBytes (default 64 KiB), with the key "headers" (an array of
// exactly four strings: symDate, contentMD5, signature, cid) and the key "extraKeys" (an
// array of strings, possibly empty; an absent extraKeys reads as empty). No other key, no
// duplicate key, strict JSON strings, and no control character in a string once unescaped.
// The payload is not empty and starts with '{'; its content is the DataFrame parser's to
// judge.
//
// Every malformed message is refused with an *Error of StatusBadRequest whose Msg says
// what was wrong and at which byte offset of the message, quoting at most 40 bytes of the
// message from there (escaped: printable, and itself a valid JSON string).
//
// # Lifetimes and concurrency
//
// A Parser belongs to one connection (one goroutine). Parse returns a *Message owned by the
// Parser: its Header and Payload alias the input; its header strings and ExtraKeys alias
// the input too when the header's strings are plain ASCII (the one-pass scanner reads those
// headers), the Parser's buffers otherwise (fastjson unescapes them). All of it is valid
// until the next Parse on that Parser or until the input buffer is reused. After warm-up,
// Parse allocates nothing for a well-formed message.
//
// # Replies
//
// The Append functions write replies into a caller's buffer and allocate nothing unless it
// must grow:
//
//	{"statusCode":"<NAME>","statusString":"<text>","values":{...}}
//	 AppendEnvelopeOpen ...................................^ values ^ AppendEnvelopeClose
//
// values is {} (AppendReply, AppendOK), {"rowsApplied":N,"rowsSkipped":M}
// (AppendRowCounts), {"KSVSMap":{"values":[{...},...]}} with string values for predict
// (AppendKSVSMapOpen/Close, AppendFloatString), {"KSVDMap":{"values":[...]}} with number
// values for explore (AppendKSVDMapOpen/Close, AppendFloat), or {"stringToSign":"..."}
// for a bad signature (AppendStringToSignValue). A non-finite number is written null.
//
// # Statuses
//
// Status names and HTTP codes live in one table (errors.go): OK 200, CREATED 201,
// ACCEPTED 202, BAD_REQUEST 400, UNAUTHORIZED 401, CONFLICT 409, INTERNAL_SERVER_ERROR
// 500, SERVICE_UNAVAILABLE 503.
package protocol
