package protocol

import "strconv"

// A reply is one envelope:
//
//	{"statusCode":"<NAME>","statusString":"<text>","values":{...}}
//
// Write it with AppendEnvelopeOpen, the values object, AppendEnvelopeClose; or whole with
// AppendReply / AppendOK when values is empty. Every function appends to dst and returns
// the extended slice; none allocates unless dst must grow.

// AppendEnvelopeOpen appends `{"statusCode":"<st>","statusString":<statusString>,"values":`.
// The values object and AppendEnvelopeClose must follow.
func AppendEnvelopeOpen(dst []byte, st Status, statusString string) []byte {
	dst = append(dst, `{"statusCode":"`...)
	dst = append(dst, st.String()...)
	dst = append(dst, `","statusString":`...)
	dst = AppendJSONString(dst, statusString)
	return append(dst, `,"values":`...)
}

// AppendEnvelopeClose appends the `}` that closes an envelope.
func AppendEnvelopeClose(dst []byte) []byte {
	return append(dst, '}')
}

// AppendReply appends a whole envelope with empty values:
// `{"statusCode":"<st>","statusString":"<text>","values":{}}`.
func AppendReply(dst []byte, st Status, statusString string) []byte {
	dst = AppendEnvelopeOpen(dst, st, statusString)
	return append(dst, "{}}"...)
}

// okReply is the reply to a successful learn or forget.
const okReply = `{"statusCode":"OK","statusString":"OK","values":{}}`

// AppendOK appends `{"statusCode":"OK","statusString":"OK","values":{}}`.
func AppendOK(dst []byte) []byte {
	return append(dst, okReply...)
}

// AppendKSVSMapOpen appends `{"KSVSMap":{"values":[`, the start of a predict reply's values.
// One JSON object per row follows, string values (AppendFloatString), comma-separated; then
// AppendKSVSMapClose.
func AppendKSVSMapOpen(dst []byte) []byte {
	return append(dst, `{"KSVSMap":{"values":[`...)
}

// AppendKSVSMapClose appends `]}}`, closing what AppendKSVSMapOpen opened.
func AppendKSVSMapClose(dst []byte) []byte {
	return append(dst, "]}}"...)
}

// AppendKSVDMapOpen appends `{"KSVDMap":{"values":[`, the start of an explore reply's values.
// One JSON object per MLContext follows, number values (AppendFloat), comma-separated; then
// AppendKSVDMapClose.
func AppendKSVDMapOpen(dst []byte) []byte {
	return append(dst, `{"KSVDMap":{"values":[`...)
}

// AppendKSVDMapClose appends `]}}`, closing what AppendKSVDMapOpen opened.
func AppendKSVDMapClose(dst []byte) []byte {
	return append(dst, "]}}"...)
}

// AppendStringToSignValue appends `{"stringToSign":"..."}`, the values of an UNAUTHORIZED
// reply. sts must already have its secret replaced (auth.Verifier.AppendStringToSignDebug).
func AppendStringToSignValue(dst []byte, sts []byte) []byte {
	dst = append(dst, `{"stringToSign":`...)
	dst = AppendJSONStringBytes(dst, sts)
	return append(dst, '}')
}

// AppendRowCounts appends `{"rowsApplied":N,"rowsSkipped":M}`, the values of a learn or
// forget reply under errorHandling 1.
func AppendRowCounts(dst []byte, applied, skipped int) []byte {
	dst = append(dst, `{"rowsApplied":`...)
	dst = strconv.AppendInt(dst, int64(applied), 10)
	dst = append(dst, `,"rowsSkipped":`...)
	dst = strconv.AppendInt(dst, int64(skipped), 10)
	return append(dst, '}')
}
