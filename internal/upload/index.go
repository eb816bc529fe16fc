package upload

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"time"

	"github.com/symscore/symscore/protocol"
)

// The index file (<id>.idx) is a header and a log of records, appended as the upload goes
// (package doc). All integers are little-endian.
//
//	header (16 bytes): magic "symsupl\x00" (8) | version u32 = 1 | zero u32
//
//	record (9 + n bytes):
//	+---------+---------+------+----------------+
//	| CRC-32C | length  | type | data           |
//	| u32     | u32=1+n | u8   | n bytes        |
//	+---------+---------+------+----------------+
//	CRC-32C (Castagnoli) of length ‖ type ‖ data.
//
//	type 1 describe  id, cid, pid, name, format (uvarint length + bytes each), size u64,
//	                 created i64 (Unix ns): the first record, and only there
//	type 2 range     from u64, to u64, CRC-32C u32 of the file's bytes [from, to), flags u8
//	                 (bit 0: the bytes were durable before the record was written)
//	type 3 synced    offset u64: the bytes of every range record that starts before this
//	                 offset of the index are durable
//	type 4 state     state u8, at i64 (Unix ns), job, op u8 (0 learn, 1 forget), types,
//	                 errorHandling u8, rows u64, skipped u64, status u8, message (strings
//	                 as uvarint length + bytes), flags u8 (bit 0: may be finalized again);
//	                 the last one is the upload's state (none: receiving)
//
// A record that does not check (a torn write) ends the index: it and what follows are
// cut when the index is opened.

const (
	indexMagic     = "symsupl\x00"
	indexVersion   = 1
	headerBytes    = 16
	recordHead     = 8 // CRC and length
	maxRecordBytes = 64 << 10

	recDescribe byte = 1
	recRange    byte = 2
	recSynced   byte = 3
	recState    byte = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checksum is the CRC-32C of b.
func checksum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// Description is what an upload is, fixed when it is announced.
type Description struct {
	ID, CID, PID, Name, Format string
	Size                       int64
	Created                    time.Time
}

// stateRec is a state record: the upload's state and what it holds.
type stateRec struct {
	State   State
	At      time.Time
	Job     string
	Forget  bool
	Types   string
	EH      int // errorHandling
	Rows    int64
	Skipped int64
	Status  protocol.Status // a failed job's wire status
	Msg     string
	Retry   bool // failed: the upload may be finalized again
}

// rangeRec is a range record as read back, with its offset in the index.
type rangeRec struct {
	Range
	sum     uint32
	durable bool
	off     int64
}

// index is a decoded index file.
type index struct {
	desc    Description
	state   stateRec
	ranges  []rangeRec
	synced  int64 // the largest synced offset
	records int   // range records
	end     int64 // the length of the valid prefix: where the next record goes
	torn    bool  // a record after end does not check
}

func appendHeader(b []byte) []byte {
	b = append(b, indexMagic...)
	b = binary.LittleEndian.AppendUint32(b, indexVersion)
	return binary.LittleEndian.AppendUint32(b, 0)
}

// beginRecord starts a record of type typ; endRecord(b, start) finishes it.
func beginRecord(b []byte, typ byte) ([]byte, int) {
	start := len(b)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0, typ)
	return b, start
}

func endRecord(b []byte, start int) []byte {
	binary.LittleEndian.PutUint32(b[start+4:], uint32(len(b)-start-recordHead))
	binary.LittleEndian.PutUint32(b[start:], checksum(b[start+4:]))
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendDescribe(b []byte, d Description) []byte {
	b, start := beginRecord(b, recDescribe)
	for _, s := range []string{d.ID, d.CID, d.PID, d.Name, d.Format} {
		b = appendString(b, s)
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(d.Size))
	b = binary.LittleEndian.AppendUint64(b, uint64(d.Created.UnixNano()))
	return endRecord(b, start)
}

func appendRange(b []byte, r Range, sum uint32, durable bool) []byte {
	b, start := beginRecord(b, recRange)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.From))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.To))
	b = binary.LittleEndian.AppendUint32(b, sum)
	b = append(b, flag(durable))
	return endRecord(b, start)
}

func appendSynced(b []byte, off int64) []byte {
	b, start := beginRecord(b, recSynced)
	b = binary.LittleEndian.AppendUint64(b, uint64(off))
	return endRecord(b, start)
}

func appendState(b []byte, st stateRec) []byte {
	b, start := beginRecord(b, recState)
	b = append(b, byte(st.State))
	b = binary.LittleEndian.AppendUint64(b, uint64(st.At.UnixNano()))
	b = appendString(b, st.Job)
	b = append(b, flag(st.Forget))
	b = appendString(b, st.Types)
	b = append(b, byte(st.EH))
	b = binary.LittleEndian.AppendUint64(b, uint64(st.Rows))
	b = binary.LittleEndian.AppendUint64(b, uint64(st.Skipped))
	b = append(b, byte(st.Status))
	b = appendString(b, st.Msg)
	b = append(b, flag(st.Retry))
	return endRecord(b, start)
}

func flag(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// errIndex is the refusal of an index whose header or description does not read.
var errIndex = errors.New("upload: unreadable index")

// decodeIndex reads an index file's bytes. A header or first record that does not read
// is an error wrapping errIndex; any later record that does not check ends the index
// there (torn), as does a record that checks but does not decode.
func decodeIndex(b []byte) (index, error) {
	var x index
	if len(b) < headerBytes || string(b[:8]) != indexMagic {
		return x, fmt.Errorf("%w: no header", errIndex)
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != indexVersion || binary.LittleEndian.Uint32(b[12:]) != 0 {
		return x, fmt.Errorf("%w: version %d", errIndex, v)
	}
	off := int64(headerBytes)
	first := true
	for {
		typ, data, n := nextRecord(b[off:])
		ok := n > 0 && x.apply(typ, data, off, first)
		if !ok {
			if first {
				return x, fmt.Errorf("%w: no description", errIndex)
			}
			x.end = off
			x.torn = off < int64(len(b))
			return x, nil
		}
		first = false
		off += int64(n)
	}
}

// nextRecord reads the record at the start of b: its type, data and length; n is 0 when
// no whole record that checks is there.
func nextRecord(b []byte) (typ byte, data []byte, n int) {
	if len(b) < recordHead+1 {
		return 0, nil, 0
	}
	length := binary.LittleEndian.Uint32(b[4:])
	if length < 1 || length > maxRecordBytes || int64(length) > int64(len(b)-recordHead) {
		return 0, nil, 0
	}
	end := recordHead + int(length)
	if checksum(b[4:end]) != binary.LittleEndian.Uint32(b) {
		return 0, nil, 0
	}
	return b[recordHead], b[recordHead+1 : end], end
}

// apply adds one record to x; false when it does not decode or is out of place.
func (x *index) apply(typ byte, data []byte, off int64, first bool) bool {
	r := reader{b: data}
	if first != (typ == recDescribe) {
		return false
	}
	switch typ {
	case recDescribe:
		d := Description{ID: r.str(), CID: r.str(), PID: r.str(), Name: r.str(), Format: r.str()}
		d.Size = r.int()
		d.Created = time.Unix(0, r.int()).UTC()
		if !r.done() {
			return false
		}
		x.desc = d
	case recRange:
		rr := rangeRec{Range: Range{r.int(), r.int()}, sum: r.u32(), off: off}
		rr.durable = r.flag()
		if !r.done() || rr.From >= rr.To || rr.To > x.desc.Size {
			return false
		}
		x.ranges = append(x.ranges, rr)
		x.records++
	case recSynced:
		s := r.int()
		if !r.done() || s > off {
			return false
		}
		x.synced = max(x.synced, s)
	case recState:
		st := stateRec{State: State(r.byte())}
		st.At = time.Unix(0, r.int()).UTC()
		st.Job = r.str()
		st.Forget = r.flag()
		st.Types = r.str()
		st.EH = int(r.byte())
		st.Rows, st.Skipped = r.int(), r.int()
		st.Status = protocol.Status(r.byte())
		st.Msg = r.str()
		st.Retry = r.flag()
		if !r.done() || st.State >= numStates || st.EH > 1 {
			return false
		}
		x.state = st
	default:
		return false
	}
	return true
}

// reader decodes record data; the first error sticks.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) byte() byte {
	if r.bad || len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) flag() bool {
	switch r.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	r.bad = true
	return false
}

func (r *reader) u32() uint32 {
	if r.bad || len(r.b) < 4 {
		r.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

// int reads a u64 that must fit an int64 and not be negative.
func (r *reader) int() int64 {
	if r.bad || len(r.b) < 8 {
		r.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	if v > math.MaxInt64 {
		r.bad = true
		return 0
	}
	return int64(v)
}

func (r *reader) str() string {
	n, k := binary.Uvarint(r.b)
	if r.bad || k <= 0 || n > uint64(len(r.b)-k) {
		r.bad = true
		return ""
	}
	s := string(r.b[k : k+int(n)])
	r.b = r.b[k+int(n):]
	return s
}

// done reports whether every byte was read without error.
func (r *reader) done() bool { return !r.bad && len(r.b) == 0 }
