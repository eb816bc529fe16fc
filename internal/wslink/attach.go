package wslink

import (
	"errors"
	"fmt"

	"github.com/symscore/symscore/internal/bufpool"
)

// MaxAttachments bounds the attachments one wslink 1.x message may use.
const MaxAttachments = 64

// maxKeyBytes bounds an attachment key ("wslink_bin" and digits).
const maxKeyBytes = 32

// ErrAttachment: a wslink 1.x attachment sequence is broken (a binary frame nobody
// announced, a malformed or repeated key, too many attachments or bytes). The stream
// cannot be read further.
var ErrAttachment = errors.New("wslink: broken attachment sequence")

// Attachments are the binary attachments of wslink 1.x a client sends before the message
// that uses them: a text message {"method":"wslink.binary.attachment","args":[keys]}
// announces keys, one binary frame per key follows in order, and in the next message a
// string equal to a key stands for its bytes. Each attachment is copied into a pooled
// buffer; Release gives them back. Bounded by MaxAttachments and a byte limit. Not safe
// for concurrent use; a nil *Attachments holds none.
type Attachments struct {
	maxBytes int64
	bytes    int64
	items    []attachment
	filled   int // items[:filled] have their bytes
}

type attachment struct {
	key  []byte
	data *[]byte // pooled; nil until its frame came
}

// NewAttachments makes an empty set whose attachments hold at most maxBytes together.
func NewAttachments(maxBytes int64) *Attachments { return &Attachments{maxBytes: maxBytes} }

// Len is the number of attachments announced.
func (a *Attachments) Len() int {
	if a == nil {
		return 0
	}
	return len(a.items)
}

// Announce records the keys of an attachment header, whose binary frames come next.
func (a *Attachments) Announce(keys []Value) error {
	if len(a.items)+len(keys) > MaxAttachments {
		return fmt.Errorf("%w: more than %d attachments for one message", ErrAttachment, MaxAttachments)
	}
	for _, k := range keys {
		key, ok := k.Str()
		if !ok || !IsAttachmentKey(key) {
			return fmt.Errorf("%w: an attachment key must be a string wslink_bin<digits>", ErrAttachment)
		}
		if _, dup := a.find(key); dup {
			return fmt.Errorf("%w: attachment key %q announced twice", ErrAttachment, key)
		}
		a.items = append(a.items, attachment{key: append([]byte(nil), key...)})
	}
	return nil
}

// Waiting reports whether announced attachments still wait for their binary frame.
func (a *Attachments) Waiting() bool { return a.filled < len(a.items) }

// Fill gives the next announced attachment its bytes, a binary frame (copied).
func (a *Attachments) Fill(frame []byte) error {
	if !a.Waiting() {
		return fmt.Errorf("%w: a binary frame no wslink.binary.attachment header announced", ErrAttachment)
	}
	if a.bytes+int64(len(frame)) > a.maxBytes {
		return fmt.Errorf("%w: attachments of one message over %d bytes", ErrAttachment, a.maxBytes)
	}
	bp := bufpool.Get(len(frame))
	*bp = append(*bp, frame...)
	a.items[a.filled].data = bp
	a.filled++
	a.bytes += int64(len(frame))
	return nil
}

// Lookup returns the bytes of the attachment key, if it has come.
func (a *Attachments) Lookup(key []byte) ([]byte, bool) {
	if a == nil {
		return nil, false
	}
	i, ok := a.find(key)
	if !ok || a.items[i].data == nil {
		return nil, false
	}
	return *a.items[i].data, true
}

func (a *Attachments) find(key []byte) (int, bool) {
	for i := range a.items {
		if string(a.items[i].key) == string(key) {
			return i, true
		}
	}
	return -1, false
}

// Release gives every attachment's buffer back and empties the set. Nothing they held may
// be used afterwards.
func (a *Attachments) Release() {
	if a == nil {
		return
	}
	for i := range a.items {
		bufpool.Put(a.items[i].data)
		a.items[i] = attachment{}
	}
	a.items, a.filled, a.bytes = a.items[:0], 0, 0
}

// IsAttachmentKey reports whether key has the form of an attachment key: wslink_bin and
// one or more digits (at most 32 bytes).
func IsAttachmentKey(key []byte) bool {
	const prefix = "wslink_bin"
	if len(key) <= len(prefix) || len(key) > maxKeyBytes || string(key[:len(prefix)]) != prefix {
		return false
	}
	for _, c := range key[len(prefix):] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
