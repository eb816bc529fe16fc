package wal

import (
	"encoding/binary"
	"hash/crc32"
)

const (
	// recordHeaderSize is the fixed part of a record: CRC, length, LSN.
	recordHeaderSize = 16
	// MaxRecordBytes is the largest payload Append accepts.
	MaxRecordBytes = 1 << 28
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// payloadCRC is the first part of a record's checksum; it needs no lock.
func payloadCRC(rec []byte) uint32 { return crc32.Update(0, castagnoli, rec) }

// appendRecord appends one encoded record to dst. pcrc is payloadCRC(rec).
func appendRecord(dst []byte, lsn uint64, rec []byte, pcrc uint32) []byte {
	off := len(dst)
	dst = append(dst, make([]byte, recordHeaderSize)...) // no allocation beyond growing dst
	h := dst[off : off+recordHeaderSize]
	binary.LittleEndian.PutUint32(h[4:8], uint32(len(rec)))
	binary.LittleEndian.PutUint64(h[8:16], lsn)
	binary.LittleEndian.PutUint32(h[0:4], crc32.Update(pcrc, castagnoli, h[4:16]))
	return append(dst, rec...)
}

// recordHeader is a decoded record header.
type recordHeader struct {
	crc    uint32
	length uint32
	lsn    uint64
}

func decodeRecordHeader(b []byte) recordHeader {
	return recordHeader{
		crc:    binary.LittleEndian.Uint32(b[0:4]),
		length: binary.LittleEndian.Uint32(b[4:8]),
		lsn:    binary.LittleEndian.Uint64(b[8:16]),
	}
}

// recordValid reports whether payload and the header bytes hdr[4:16] match crc.
func recordValid(hdr []byte, payload []byte, crc uint32) bool {
	return crc32.Update(payloadCRC(payload), castagnoli, hdr[4:16]) == crc
}

const (
	segmentHeaderSize = 32
	segmentVersion    = 1
	segmentMagic      = "symswal\x00"
)

// appendSegmentHeader appends the header of a segment whose first record is first.
func appendSegmentHeader(dst []byte, first uint64) []byte {
	off := len(dst)
	dst = append(dst, make([]byte, segmentHeaderSize)...)
	h := dst[off : off+segmentHeaderSize]
	copy(h[0:8], segmentMagic)
	binary.LittleEndian.PutUint32(h[8:12], segmentVersion)
	binary.LittleEndian.PutUint64(h[16:24], first)
	binary.LittleEndian.PutUint32(h[24:28], crc32.Checksum(h[0:24], castagnoli))
	return dst
}

// checkSegmentHeader returns "" if b is a valid header for a segment whose first LSN is
// first, else the reason it is not.
func checkSegmentHeader(b []byte, first uint64) string {
	switch {
	case len(b) < segmentHeaderSize:
		return "truncated segment header"
	case string(b[0:8]) != segmentMagic:
		return "bad segment magic"
	case crc32.Checksum(b[0:24], castagnoli) != binary.LittleEndian.Uint32(b[24:28]):
		return "segment header checksum mismatch"
	case binary.LittleEndian.Uint32(b[8:12]) != segmentVersion:
		return "unsupported segment version"
	case binary.LittleEndian.Uint64(b[16:24]) != first:
		return "segment header names another first lsn than the file name"
	}
	return ""
}
