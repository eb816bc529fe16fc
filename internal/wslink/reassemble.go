package wslink

import (
	"fmt"

	"github.com/symscore/symscore/internal/bufpool"
)

// Bounds of reassembly, besides the bytes: how many messages may be incomplete at once,
// and in how many separate pieces one may have arrived (chunks out of order leave gaps;
// wslink's client sends them in order, one piece).
const (
	MaxPendingMessages = 64
	MaxPieces          = 64
)

// Budget holds the bytes of messages reassembled before a connection is authenticated
// (admit.Budget: limits.max_unverified_bytes). Safe for concurrent use.
type Budget interface {
	Charge(n int64) bool
	Release(n int64)
}

// Reassembler puts the chunks of wslink 2.x messages back together: chunks of different
// messages may interleave, and a message's chunks may come in any order, each byte once.
// A message's buffer (its declared size, from package bufpool) is taken at its first
// chunk; the declared sizes of the messages being reassembled together are bounded by the
// reassembler's byte bound (ErrTooBig). One per connection; not safe for concurrent use.
type Reassembler struct {
	maxBytes int64
	pending  map[uint32]*partial // nil until a message comes in pieces
	held     int64               // the declared sizes of the pending messages
}

// partial is a message being reassembled.
type partial struct {
	buf     *[]byte // len = the message's size
	pieces  []piece // received byte ranges, sorted and disjoint, adjacent ones merged
	budget  Budget  // what it is charged to, or nil
	charged int64   // bytes charged to budget for it
}

// piece is a received byte range [lo, hi).
type piece struct{ lo, hi uint32 }

// NewReassembler makes a reassembler whose messages, together, hold at most maxBytes.
func NewReassembler(maxBytes int64) *Reassembler { return &Reassembler{maxBytes: maxBytes} }

// SetMax changes the byte bound (a connection that authenticates may send larger
// messages than before).
func (r *Reassembler) SetMax(maxBytes int64) { r.maxBytes = maxBytes }

// Held is the sum of the declared sizes of the messages being reassembled.
func (r *Reassembler) Held() int64 { return r.held }

// Add takes one chunk (ParseChunk's header and bytes). When it completes a message, it
// returns it: a message in one chunk is body itself (owned is nil: it lives as long as
// body); one in several chunks is a pooled buffer the caller owns and gives back with
// bufpool.Put(owned). Otherwise msg is nil. A message begun while budget is not nil is
// charged to it (its declared size) until it completes or is dropped (Reset), whatever
// budget later chunks come with: ErrBusy when the budget has no room. After an error the
// stream cannot be read further: Reset the reassembler.
func (r *Reassembler) Add(h ChunkHeader, body []byte, budget Budget) (msg []byte, owned *[]byte, err error) {
	p := r.pending[h.ID]
	if p == nil {
		if int64(h.Size) > r.maxBytes {
			return nil, nil, fmt.Errorf("%w: message %d declares %d bytes, over the %d-byte limit", ErrTooBig, h.ID, h.Size, r.maxBytes)
		}
		if h.Offset == 0 && len(body) == int(h.Size) {
			return body, nil, nil // the usual case: a whole message in one chunk
		}
		if p, err = r.begin(h, budget); err != nil {
			return nil, nil, err
		}
	} else if len(*p.buf) != int(h.Size) {
		return nil, nil, fmt.Errorf("%w: message %d: a chunk declares size %d, its first chunk %d", ErrChunk, h.ID, h.Size, len(*p.buf))
	}
	if err := p.add(h.Offset, uint32(len(body))); err != nil {
		return nil, nil, fmt.Errorf("%w: message %d: %s", ErrChunk, h.ID, err.Error())
	}
	copy((*p.buf)[h.Offset:], body)
	if len(p.pieces) != 1 || p.pieces[0].lo != 0 || p.pieces[0].hi != h.Size {
		return nil, nil, nil
	}
	delete(r.pending, h.ID)
	r.held -= int64(h.Size)
	p.release()
	return *p.buf, p.buf, nil
}

// begin starts message h, which comes in several chunks.
func (r *Reassembler) begin(h ChunkHeader, budget Budget) (*partial, error) {
	switch {
	case len(r.pending) >= MaxPendingMessages:
		return nil, fmt.Errorf("%w: %d messages incomplete at once, the most is %d", ErrChunk, len(r.pending)+1, MaxPendingMessages)
	case r.held+int64(h.Size) > r.maxBytes:
		return nil, fmt.Errorf("%w: messages being reassembled would hold %d bytes, over the %d-byte limit", ErrTooBig, r.held+int64(h.Size), r.maxBytes)
	}
	p := &partial{}
	if budget != nil {
		if !budget.Charge(int64(h.Size)) {
			return nil, ErrBusy
		}
		p.budget, p.charged = budget, int64(h.Size)
	}
	p.buf = bufpool.Get(int(h.Size))
	*p.buf = (*p.buf)[:h.Size]
	if r.pending == nil {
		r.pending = make(map[uint32]*partial)
	}
	r.pending[h.ID] = p
	r.held += int64(h.Size)
	return p, nil
}

// release gives p's charge back to the budget it was taken from.
func (p *partial) release() {
	if p.budget != nil {
		p.budget.Release(p.charged)
	}
	p.budget, p.charged = nil, 0
}

// Reset drops every message being reassembled, giving their buffers back to the pool and
// their charges back to their budget.
func (r *Reassembler) Reset() {
	for id, p := range r.pending {
		p.release()
		bufpool.Put(p.buf)
		delete(r.pending, id)
	}
	r.held = 0
}

// Charged is the bytes charged to a budget by the messages being reassembled.
func (r *Reassembler) Charged() int64 {
	var n int64
	for _, p := range r.pending {
		n += p.charged
	}
	return n
}

// add records the bytes [off, off+n) as received: refused when any was received already,
// or when the message would be in more than MaxPieces pieces.
func (p *partial) add(off, n uint32) error {
	lo, hi := off, off+n
	i := 0
	for i < len(p.pieces) && p.pieces[i].hi <= lo {
		i++
	}
	if i < len(p.pieces) && p.pieces[i].lo < hi {
		return fmt.Errorf("bytes %d to %d were sent twice", max(lo, p.pieces[i].lo), min(hi, p.pieces[i].hi)-1)
	}
	joinLeft := i > 0 && p.pieces[i-1].hi == lo
	joinRight := i < len(p.pieces) && p.pieces[i].lo == hi
	switch {
	case joinLeft && joinRight:
		p.pieces[i-1].hi = p.pieces[i].hi
		p.pieces = append(p.pieces[:i], p.pieces[i+1:]...)
	case joinLeft:
		p.pieces[i-1].hi = hi
	case joinRight:
		p.pieces[i].lo = lo
	default:
		if len(p.pieces) >= MaxPieces {
			return fmt.Errorf("chunks out of order leave more than %d pieces", MaxPieces)
		}
		p.pieces = append(p.pieces, piece{})
		copy(p.pieces[i+1:], p.pieces[i:])
		p.pieces[i] = piece{lo, hi}
	}
	return nil
}
