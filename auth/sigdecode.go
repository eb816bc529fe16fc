package auth

import "crypto/sha256"

// sigText256Len is the length of the Base64 text of an HMAC-SHA256: 43 characters and one
// '=' of padding.
const sigText256Len = (sha256.Size + 2) / 3 * 4

// b64Values maps a byte of the standard Base64 alphabet to its value, others to 0xFF.
var b64Values = func() (t [256]byte) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range t {
		t[i] = 0xFF
	}
	for i := range len(alphabet) {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// decodeSig256 decodes text into dst when it is the strict standard Base64 of 32 bytes
// (what b64.Decode accepts as such: 43 alphabet characters, the last one's two low bits
// zero, and '='), and reports whether it did. Anything else is left to b64, which judges
// it.
func decodeSig256(dst *[sha256.Size]byte, text []byte) bool {
	if len(text) != sigText256Len || text[sigText256Len-1] != '=' {
		return false
	}
	var bad byte
	for q := range sha256.Size / 3 {
		t := text[4*q : 4*q+4 : 4*q+4]
		a, b, c, d := b64Values[t[0]], b64Values[t[1]], b64Values[t[2]], b64Values[t[3]]
		bad |= a | b | c | d
		dst[3*q] = a<<2 | b>>4
		dst[3*q+1] = b<<4 | c>>2
		dst[3*q+2] = c<<6 | d
	}
	t := text[sigText256Len-4 : sigText256Len-1]
	a, b, c := b64Values[t[0]], b64Values[t[1]], b64Values[t[2]]
	bad |= a | b | c
	dst[30] = a<<2 | b>>4
	dst[31] = b<<4 | c>>2
	// An invalid character has the high bit set; strict decoding wants the bits past the
	// last byte zero.
	return bad&0x80 == 0 && c&3 == 0
}
