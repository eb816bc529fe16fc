package auth

// Strings to sign (docs/protocol.md 1.2 and 2), built by append functions shared by the
// Verifier and the Signer. They hold the secret: never log them.
//
// WebSocket:
//
//	contentMD5 \n secret \n symDate \n cid \n payload \n serviceURL \n key1 \n ... keyN \n
//
// REST:
//
//	method \n contentMD5 \n secret \n symDate \n cid \n [body \n] resource \n [rawQuery \n]

// bytestring is the type set of the pieces of a string to sign.
type bytestring interface{ ~string | ~[]byte }

// appendLine appends s and a newline.
func appendLine[T bytestring](dst []byte, s T) []byte {
	dst = append(dst, s...)
	return append(dst, '\n')
}

// appendWSHead appends what precedes the payload in a WebSocket string to sign.
func appendWSHead[M, S, D, C bytestring](dst []byte, contentMD5 M, secret S, date D, cid C) []byte {
	dst = appendLine(dst, contentMD5)
	dst = appendLine(dst, secret)
	dst = appendLine(dst, date)
	return appendLine(dst, cid)
}

// appendExtraKeys appends every extra key followed by a newline.
func appendExtraKeys[K bytestring](dst []byte, keys []K) []byte {
	for _, k := range keys {
		dst = appendLine(dst, k)
	}
	return dst
}

// appendRESTHead appends what precedes the body in a REST string to sign.
func appendRESTHead[M, D, C bytestring](dst []byte, method string, contentMD5 M, secret string, date D, cid C) []byte {
	dst = appendLine(dst, method)
	dst = appendLine(dst, contentMD5)
	dst = appendLine(dst, secret)
	dst = appendLine(dst, date)
	return appendLine(dst, cid)
}

// appendRESTQuery appends the rawQuery line, omitted when the query is empty.
func appendRESTQuery(dst []byte, rawQuery string) []byte {
	if rawQuery == "" {
		return dst
	}
	return appendLine(dst, rawQuery)
}
