package reply

import (
	"strconv"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/protocol"
)

// AppendOK appends the OK reply with empty values.
func AppendOK(dst []byte) []byte { return protocol.AppendOK(dst) }

// AppendStatus appends a reply of status st and message msg with empty values.
func AppendStatus(dst []byte, st protocol.Status, msg string) []byte {
	return protocol.AppendReply(dst, st, msg)
}

// AppendRefusal appends r's reply: its status and message, and for a bad signature
// values.stringToSign (docs/protocol.md section 1.4), for the finalize of an incomplete
// upload values.missing ([[from,to],...]).
func AppendRefusal(dst []byte, r *ops.Refusal) []byte {
	switch {
	case r.StringToSign != nil:
		dst = protocol.AppendEnvelopeOpen(dst, r.Status, r.Msg)
		dst = protocol.AppendStringToSignValue(dst, r.StringToSign)
		return protocol.AppendEnvelopeClose(dst)
	case r.Missing != nil:
		dst = protocol.AppendEnvelopeOpen(dst, r.Status, r.Msg)
		dst = append(dst, `{"missing":[`...)
		for i, m := range r.Missing {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '[')
			dst = strconv.AppendInt(dst, m[0], 10)
			dst = append(dst, ',')
			dst = strconv.AppendInt(dst, m[1], 10)
			dst = append(dst, ']')
		}
		return protocol.AppendEnvelopeClose(append(dst, "]}"...))
	}
	return protocol.AppendReply(dst, r.Status, r.Msg)
}

// AppendLearn appends the OK reply of a learn or forget: values {} or, under
// errorHandling 1, {"rowsApplied":N,"rowsSkipped":M}.
func AppendLearn(dst []byte, res ops.LearnResult) []byte {
	if !res.Counted {
		return protocol.AppendOK(dst)
	}
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = protocol.AppendRowCounts(dst, res.Applied, res.Skipped)
	return protocol.AppendEnvelopeClose(dst)
}
