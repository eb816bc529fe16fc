package protocol

import "strconv"

// AppendHeader appends the header JSON
// {"headers":[date,md5,signature,cid],"extraKeys":[...]} with every string escaped by
// AppendJSONStringBytes, and returns the result.
func AppendHeader(dst []byte, date, md5, signature, cid []byte, extraKeys [][]byte) []byte {
	dst = append(dst, `{"headers":[`...)
	dst = AppendJSONStringBytes(dst, date)
	dst = append(dst, ',')
	dst = AppendJSONStringBytes(dst, md5)
	dst = append(dst, ',')
	dst = AppendJSONStringBytes(dst, signature)
	dst = append(dst, ',')
	dst = AppendJSONStringBytes(dst, cid)
	dst = append(dst, `],"extraKeys":[`...)
	for i, k := range extraKeys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONStringBytes(dst, k)
	}
	return append(dst, "]}"...)
}

// AppendMessage appends m in its Form and returns the result: "<N>,<header><payload>" for
// FormFramed, "<header>-289907289<payload>" for FormLegacy, the payload alone for
// FormSession. The header is rebuilt from m's fields by AppendHeader (m.Header is not
// used), so Parse(AppendMessage(nil, m)) yields the same fields as m.
func AppendMessage(dst []byte, m *Message) []byte {
	switch m.Form {
	case FormSession:
		return append(dst, m.Payload...)
	case FormLegacy:
		dst = AppendHeader(dst, m.Date, m.MD5, m.Signature, m.CID, m.ExtraKeys)
		dst = append(dst, LegacyDelimiter...)
		return append(dst, m.Payload...)
	}
	// Write the header, then move it right to make room for its length prefix.
	start := len(dst)
	dst = AppendHeader(dst, m.Date, m.MD5, m.Signature, m.CID, m.ExtraKeys)
	n := len(dst) - start
	var prefix [24]byte
	p := append(strconv.AppendInt(prefix[:0], int64(n), 10), ',')
	dst = append(dst, p...) // grow by len(p)
	copy(dst[start+len(p):], dst[start:start+n])
	copy(dst[start:], p)
	return append(dst, m.Payload...)
}
