package wal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// badSpot describes the first bytes of a segment that are not a valid record.
type badSpot struct {
	offset     int64  // where the bad bytes start
	reason     string // what is wrong with them
	headerBad  bool   // the segment header itself is bad: the segment holds no records
	validAfter int64  // offset of a valid later record (proof of middle corruption), or -1
}

// segmentRead is what reading one segment found.
type segmentRead struct {
	goodEnd int64    // offset just past the last valid record (0 if the header is bad)
	next    uint64   // LSN after the last valid record
	bad     *badSpot // nil if the segment ends cleanly
}

// segmentReader reads segments during Replay. Not safe for concurrent use.
type segmentReader struct {
	fs   FS
	sync bool // fsync each segment before handing out its records
	from uint64
	fn   func(lsn uint64, rec []byte) error
	br   *bufio.Reader
	buf  []byte // payload buffer, reused; records handed to fn alias it
	hb   [recordHeaderSize]byte
}

// errStop wraps an error returned by the replay callback so it is passed through as is.
type errStop struct{ err error }

func (e errStop) Error() string { return e.err.Error() }

// read reads the segment whose first record must be first, handing every valid record with
// LSN ≥ from to fn. I/O errors and the callback's errors are returned; bad bytes are not
// errors but reported in the result.
func (r *segmentReader) read(seg segment) (segmentRead, error) {
	f, err := r.fs.OpenFile(seg.path, os.O_RDONLY, 0)
	if err != nil {
		return segmentRead{}, fmt.Errorf("cannot open wal segment: %w", err)
	}
	defer f.Close()
	if r.sync {
		if err := f.Sync(); err != nil {
			return segmentRead{}, fmt.Errorf("cannot fsync wal segment %q: %w", seg.path, err)
		}
	}
	st, err := f.Stat()
	if err != nil {
		return segmentRead{}, fmt.Errorf("cannot stat wal segment: %w", err)
	}
	size := st.Size()
	if r.br == nil {
		r.br = bufio.NewReaderSize(f, 1<<20)
	} else {
		r.br.Reset(f)
	}

	res := segmentRead{next: seg.first}
	var hdr [segmentHeaderSize]byte
	n, err := io.ReadFull(r.br, hdr[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return res, fmt.Errorf("cannot read wal segment %q: %w", seg.path, err)
	}
	if reason := checkSegmentHeader(hdr[:n], seg.first); reason != "" {
		res.bad = &badSpot{offset: 0, reason: reason, headerBad: true}
		return res, r.scan(f, res.bad, size, seg.first-1)
	}
	off := int64(segmentHeaderSize)
	for off < size {
		reason, rec, err := r.next(size-off, res.next)
		if err != nil {
			return res, fmt.Errorf("cannot read wal segment %q: %w", seg.path, err)
		}
		if reason != "" {
			res.goodEnd = off
			res.bad = &badSpot{offset: off, reason: reason}
			return res, r.scan(f, res.bad, size, res.next-1)
		}
		if res.next >= r.from {
			if err := r.fn(res.next, rec); err != nil {
				return res, errStop{err}
			}
		}
		res.next++
		off += recordHeaderSize + int64(len(rec))
	}
	res.goodEnd = off
	return res, nil
}

// next reads the record expected to carry LSN want from r.br, with left bytes left in the
// file. It returns the payload, or a reason why the bytes are not that record.
func (r *segmentReader) next(left int64, want uint64) (reason string, rec []byte, err error) {
	if left < recordHeaderSize {
		return fmt.Sprintf("truncated record header (%d of %d bytes)", left, recordHeaderSize), nil, nil
	}
	hb := r.hb[:]
	if _, err := io.ReadFull(r.br, hb); err != nil {
		return "", nil, err
	}
	h := decodeRecordHeader(hb)
	switch {
	case h == (recordHeader{}):
		return "zeroed bytes", nil, nil
	case int64(h.length) > left-recordHeaderSize || h.length > MaxRecordBytes:
		return fmt.Sprintf("record length %d exceeds the %d bytes left", h.length, left-recordHeaderSize), nil, nil
	case h.lsn != want:
		return fmt.Sprintf("record has lsn %d, want %d", h.lsn, want), nil, nil
	}
	if cap(r.buf) < int(h.length) {
		r.buf = make([]byte, h.length)
	}
	rec = r.buf[:h.length]
	if _, err := io.ReadFull(r.br, rec); err != nil {
		return "", nil, err
	}
	if !recordValid(hb, rec, h.crc) {
		return "checksum mismatch", nil, nil
	}
	return "", rec, nil
}

// scan looks in f[bad.offset:size] for a valid record with an LSN above after and sets
// bad.validAfter to its offset (-1 if none). Such a record proves the bad bytes are not a
// torn tail: something written later survived them.
//
// Candidates are filtered before their checksum is computed: the LSN must be above after
// and at most one more than the number of 16-byte slots since bad.offset (every record
// takes at least 16 bytes), and the length must fit in the file.
func (r *segmentReader) scan(f File, bad *badSpot, size int64, after uint64) error {
	bad.validAfter = -1
	data := make([]byte, size-bad.offset)
	if _, err := f.ReadAt(data, bad.offset); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("cannot read wal segment: %w", err)
	}
	for p := 0; p+recordHeaderSize <= len(data); p++ {
		lsn := binary.LittleEndian.Uint64(data[p+8 : p+16])
		if lsn <= after || lsn > after+uint64(p/recordHeaderSize)+1 {
			continue
		}
		n := int(binary.LittleEndian.Uint32(data[p+4 : p+8]))
		if n > len(data)-p-recordHeaderSize {
			continue
		}
		if recordValid(data[p:p+recordHeaderSize], data[p+recordHeaderSize:p+recordHeaderSize+n], binary.LittleEndian.Uint32(data[p:p+4])) {
			bad.validAfter = bad.offset + int64(p)
			return nil
		}
	}
	return nil
}
