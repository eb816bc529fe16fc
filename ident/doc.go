// Package ident is symscore's one rule for identifiers: the ids of projects and models,
// attribute names (the "name$value" names of T expansion included) and partition values.
// Every package that takes one from a client checks it here, so that what one endpoint
// stores every other can address, log and quote. It needs only the standard library.
//
// # Names
//
// A name (an attribute name, a partition value) is 1 to max bytes of valid UTF-8 holding
//
//   - no control character: C0 (NUL, tab, newline, ...), DEL, C1 (U+0080–U+009F);
//   - no line or paragraph separator (U+2028, U+2029), which some readers take as newlines;
//   - no bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069),
//     which make a name display as another;
//   - no U+FFFD, the replacement character a decoder leaves of input that was not valid;
//   - no lone surrogate escape kept as text: a backslash, 'u' and four hex digits from D800
//     to DFFF (a lenient JSON decoder keeps an unpaired surrogate escape as those six
//     characters; a name that holds them, however it came, is refused).
//
// Spaces and every printable character are allowed in names.
//
// # Ids
//
// An id (a project id, a model id) is a name that is also one URL path segment and one
// WebSocket extra key without escaping surprises: every character printable
// (unicode.IsPrint, so no format character such as U+200B), no space of any kind
// (unicode.IsSpace, U+0020 included), no '/', and neither "." nor "..".
//
// # Length
//
// max is the configuration's limits.max_name_bytes (DefaultMaxBytes); a longer name or id
// is refused with an error wrapping ErrTooLong, which the server counts as a limit
// refusal. Every other refusal wraps ErrInvalid. A max of 0 or less means DefaultMaxBytes.
//
// Checking allocates nothing unless it refuses.
package ident
