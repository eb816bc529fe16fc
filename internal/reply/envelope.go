package reply

import (
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
// values.stringToSign (docs/protocol.md section 1.4).
func AppendRefusal(dst []byte, r *ops.Refusal) []byte {
	if r.StringToSign == nil {
		return protocol.AppendReply(dst, r.Status, r.Msg)
	}
	dst = protocol.AppendEnvelopeOpen(dst, r.Status, r.Msg)
	dst = protocol.AppendStringToSignValue(dst, r.StringToSign)
	return protocol.AppendEnvelopeClose(dst)
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
