package cluster

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxTokenBytes bounds one escaped subject token: NATS servers refuse control lines
// longer than 4 KiB by default, and a subject holds two tokens.
const maxTokenBytes = 512

// SubjectPrefix is the subject prefix of a stream's records: its name lower-cased.
func SubjectPrefix(stream string) string { return strings.ToLower(stream) }

// Subject is the subject of a record of project pid of customer cid on the stream of
// prefix: "<prefix>.<cid>.<pid>", each id escaped as one token (EscapeToken).
func Subject(prefix string, cid, pid []byte) string {
	var b strings.Builder
	b.Grow(len(prefix) + len(cid) + len(pid) + 2)
	b.WriteString(prefix)
	b.WriteByte('.')
	appendToken(&b, cid)
	b.WriteByte('.')
	appendToken(&b, pid)
	return b.String()
}

// seenSubject is the subject of seen records, which belong to no project.
func seenSubject(prefix string) string { return prefix + ".seen" }

// EscapeToken makes id one subject token: letters, digits, '-', '_' and '~' as they are,
// every other byte as %XX (so '.', '*', '>', spaces and '%' never appear raw). A token that
// would be longer than maxTokenBytes is "%%" and the hex of the first 16 bytes of the
// id's SHA-256: subjects stay within what NATS servers accept, and files of one project
// still share one subject.
func EscapeToken(id []byte) string {
	var b strings.Builder
	appendToken(&b, id)
	return b.String()
}

func appendToken(b *strings.Builder, id []byte) {
	n := 0
	for _, c := range id {
		if plainTokenByte(c) {
			n++
		} else {
			n += 3
		}
	}
	if n > maxTokenBytes {
		sum := sha256.Sum256(id)
		b.WriteString("%%")
		b.WriteString(hex.EncodeToString(sum[:16]))
		return
	}
	const digits = "0123456789ABCDEF"
	for _, c := range id {
		if plainTokenByte(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(digits[c>>4])
			b.WriteByte(digits[c&15])
		}
	}
}

func plainTokenByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_' || c == '~'
}
