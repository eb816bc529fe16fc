package auth

import (
	"crypto/md5"
	"encoding/binary"
)

// stdAlphabet is standard Base64's alphabet (RFC 4648 section 4).
const stdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// encodeMD5 writes the standard Base64 of an MD5 (16 bytes: 22 characters and "=="), as
// base64.StdEncoding.Encode does, unrolled for that one length.
func encodeMD5(dst *[md5TextLen]byte, sum *[md5.Size]byte) {
	for g := range 5 { // five groups of 3 bytes
		s, d := sum[3*g:3*g+3], dst[4*g:4*g+4]
		v := uint(s[0])<<16 | uint(s[1])<<8 | uint(s[2])
		d[0], d[1], d[2], d[3] = stdAlphabet[v>>18&63], stdAlphabet[v>>12&63], stdAlphabet[v>>6&63], stdAlphabet[v&63]
	}
	v := uint(sum[15])
	dst[20], dst[21], dst[22], dst[23] = stdAlphabet[v>>2], stdAlphabet[v<<4&63], '=', '='
}

// equalMD5Text reports whether claimed is the 24 bytes of text, in time independent of
// where they differ.
func equalMD5Text(text *[md5TextLen]byte, claimed []byte) bool {
	if len(claimed) != md5TextLen {
		return false
	}
	c := (*[md5TextLen]byte)(claimed)
	x := binary.LittleEndian.Uint64(text[0:]) ^ binary.LittleEndian.Uint64(c[0:])
	x |= binary.LittleEndian.Uint64(text[8:]) ^ binary.LittleEndian.Uint64(c[8:])
	x |= binary.LittleEndian.Uint64(text[16:]) ^ binary.LittleEndian.Uint64(c[16:])
	return x == 0
}
