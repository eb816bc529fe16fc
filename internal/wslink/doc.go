// Package wslink is the wire format of Kitware's wslink (the library behind ParaViewWeb and
// vtk.js), as the RPC endpoint speaks it (docs/rpc.md): envelopes, chunks, attachments,
// and the arguments of calls, in both of wslink's framings. It knows nothing of symscore's
// operations.
//
// wslink 2.x (FormatMsgpack): every message is one MessagePack map in one or more binary
// frames, each starting with a 12-byte chunk header (message id, offset, total size; uint32
// little-endian). ParseChunk reads a header; a Reassembler puts chunks back together,
// interleaved and out of order, within a byte bound, charging messages begun before
// authentication to a Budget. wslink 1.x (FormatJSON): every message is JSON in a text
// frame; binary data travels as Attachments, announced by a header message and sent as
// binary frames before the message whose strings name them.
//
// A Decoder turns a message into an Envelope whose arguments are Values: MessagePack or
// JSON values read through one set of methods, so that a method's arguments are decoded
// once for both framings. MessagePack is checked whole before anything is read from it
// (lengths, UTF-8 strings, string keys, nesting within MaxDepth, no extension types). An
// Encoder writes results, errors and publications in either format.
//
// MessagePack is read and written with github.com/tinylib/msgp's runtime functions
// (ReadXxxBytes, AppendXxx): they read in place from a byte slice and append to one, so a
// call decodes and encodes without allocating.
//
// Lifetimes: an Envelope and its Values borrow the message and the Decoder; a Reassembler's
// completed message is either the chunk itself or a pooled buffer the caller owns; an
// Encoder's 1.x attachments borrow the data written. None of the types is safe for
// concurrent use.
package wslink
