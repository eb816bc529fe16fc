// Package jsonstrict is what symscore asks of every JSON object it reads, beyond the
// grammar of fastjson (which keeps unknown escapes and unpaired surrogates as text, and
// lets a key appear twice):
//
//   - string escapes are those of RFC 8259 (\" \\ \/ \b \f \n \r \t \uXXXX), and a
//     surrogate escape (\uD800–\uDFFF) comes only as a high one followed by a low one;
//   - no key appears twice in an object;
//   - no key the object does not define.
//
// The protocol header's scanner and the DataFrame parser apply the same rules; the
// DataFrame scanner uses EscapeLen. Errors are plain errors whose text is meant for
// clients: it says what is wrong and where, quoting at most 40 bytes of input. It needs
// only the standard library and fastjson.
package jsonstrict
