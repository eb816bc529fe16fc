// Package wal is symscore's durability layer: a segmented, checksummed write-ahead log with
// group commit, and atomic, checksummed file replacement for snapshots.
//
// # Log lifecycle
//
//	l, err := wal.Open(dir, opts)   // locks dir (flock on dir/LOCK); reads nothing
//	err = l.Replay(from, apply)     // required before the first Append; cuts a torn tail
//	lsn, err := l.Append(rec)       // concurrent; returns when durable per opts.Mode
//	lsn, err = l.Enqueue(rec)       // the same in two steps: queue under the caller's lock,
//	err = l.Wait(lsn)               // then wait for durability outside it
//	err = l.TruncateBefore(lsn)     // background; deletes whole segments below lsn
//	err = l.Close()
//
// An LSN is a record number: the first record of a log is 1, each Append gets the next one.
// LSNs never go back, also across TruncateBefore (the active segment is never deleted) and
// restarts.
//
// # Segment files
//
// The log is a directory of segment files named after the LSN of their first record, 20
// decimal digits, so that names sort like LSNs: 00000000000000000001.wal. The active (last)
// segment is closed and a new one started when it holds SegmentBytes or more, so a segment
// may exceed SegmentBytes by one write batch (or more while a new segment cannot be made,
// see Failures). Replay continues in the last segment, or makes one when there is none.
// All integers are little-endian.
//
//	segment:  header record record ... record
//
//	header (32 bytes):
//	+---------------+---------+---------+-----------+---------+---------+
//	| magic (8)     | version | zero    | first LSN | CRC-32C | zero    |
//	| "symswal\x00" | u32 = 1 | u32     | u64       | u32     | u32     |
//	+---------------+---------+---------+-----------+---------+---------+
//	 0               8         12        16          24        28      32
//	CRC-32C (Castagnoli) of bytes 0..23.
//
//	record (16 + n bytes):
//	+---------+---------+---------+------------------+
//	| CRC-32C | length  | LSN     | payload          |
//	| u32     | u32 = n | u64     | n bytes          |
//	+---------+---------+---------+------------------+
//	 0         4         8         16             16+n
//	CRC-32C of payload ‖ bytes 4..15 (length and LSN).
//
// The checksum covers the length, so a corrupted length is detected, and the LSN, so a
// record from elsewhere (stale blocks a file system exposes after a crash, a misplaced
// copy) does not pass for the record expected at that place. An all-zero header is never
// valid (LSN 0 does not exist). A payload holds at most MaxRecordBytes.
//
// # Durability modes
//
// ModeAlways: Append returns after write(2) and fsync. Group commit: the first appender to
// find no write in progress takes the flush role, writes every record encoded so far with
// one write(2), fsyncs, and wakes the others; records that arrive meanwhile form the next
// batch, so concurrent appenders share writes and fsyncs. A new segment's header and its
// directory entry are fsynced before records go in.
//
// ModeInterval: Append returns after write(2); a background loop fsyncs the active segment
// at most every Interval when something was written since the last fsync (segments are
// fsynced when closed). Loss window: a power failure or kernel crash loses up to Interval
// (plus the fsync's own duration) of acknowledged records; a process crash (kill -9) loses
// nothing, because write(2) has put the record in the page cache, which survives it.
//
// ModeNone: Append returns after write(2); the log never fsyncs on the append path. Safe
// against process crashes as above; a power failure loses whatever the kernel had not
// written back.
//
// Sync fsyncs on demand in every mode. Snapshots must follow the write-ahead rule: before a
// snapshot covering LSN x is made durable, records up to x must be durable (ModeAlways, or
// call Sync). Otherwise a power failure could leave the snapshot ahead of the log, which
// Replay refuses (ErrLSNRange).
//
// # Failures
//
// A write or fsync error puts the log in a failed state: the Append that hit it and every
// later Append (and Sync) return an error wrapping ErrFailed and the cause. Records already
// acknowledged are not touched; nothing is retried.
//
// Starting a new segment is the exception: when the file cannot be made (open fails with
// EMFILE, ENFILE, ENOSPC..., or its header, the header's fsync or the directory's fsync
// fails) nothing of the batch has been written yet. The new file is removed (durably), the
// batch goes into the active segment, which grows past SegmentBytes, and the next batch
// tries again; a warning is logged when this starts and a line when a segment is made
// again. A shortage of file descriptors therefore delays segment rotation and stops
// nobody. Only when the half-made file cannot be removed durably does the log fail (a
// segment it does not account for would make the next Replay fail). After a failed fsync the kernel may have
// dropped the dirty pages and marked them clean, so a retried fsync can report success for
// data that never reached the disk; PostgreSQL learned this in 2018 ("fsyncgate") and since
// then stops and recovers from its log instead, as symscore does: the server answers
// SERVICE_UNAVAILABLE until a restart replays the log. A record whose Append failed may or
// may not be replayed after the restart (its outcome is unknown, as with a timeout).
//
// # Recovery: torn tail or corruption
//
// Replay reads records in order and checks each: the header fits in the file, the length
// fits in the file, the LSN is the expected one, the checksum matches. The first record
// that fails ("bad bytes") is judged:
//
//   - In the last segment, if no valid record with a higher LSN can be found anywhere after
//     it (every byte offset is tried, with cheap filters first), it is a torn tail: the
//     remains of a write a crash interrupted, a short payload, a zeroed or preallocated
//     tail. The segment is truncated at the last valid record (fsynced, logged at warn level)
//     and Replay succeeds. A last segment with a torn header and no valid record is deleted.
//   - Otherwise (a valid record follows it, or it is not in the last segment) data that was
//     written after it survived, so it is corruption of acknowledged data: Replay fails
//     with a *CorruptError naming the file, the offset and the first unreadable LSN.
//   - A missing segment (the next segment does not start at the expected LSN) is a
//     *CorruptError on the later segment at offset 0.
//
// With Options.Repair, corruption cuts the log instead: the segment is truncated at the bad
// bytes (deleted if its header is bad), every later segment is deleted, everything is logged
// at error level, and Replay succeeds with the records before the cut. Repair destroys
// data: copy the directory first if it must be examined. After a power failure in
// ModeInterval or ModeNone, a file system that wrote pages back out of order can make a
// torn write look like middle corruption; Repair is the way out there too.
//
// Read errors are returned as such and never cause truncation.
//
// # Concurrency and lock order
//
// Log.mu guards the log's state (next LSN, watermarks, segment list, pending batch). It is
// never held across I/O. Segment I/O is done by whoever holds the flush role, a flag set
// under mu (flushing): one appender at a time, Sync, or Close. The interval syncer fsyncs
// the active segment outside mu with the syncing flag set; roll waits for it before closing
// that segment. Lock order: flush role → mu; syncing → mu; mu is a leaf. TruncateBefore
// holds mu only to cut the segment list and removes files outside it. Replay runs alone.
//
// # Allocation
//
// Append copies the record into a batch buffer; two buffers alternate (one filled while the
// other is written), so the steady state allocates nothing. Buffers grown beyond 8 MiB are
// dropped after use.
//
// # Atomic files
//
// WriteFileAtomic writes a temporary file in the target's directory, fsyncs it, renames it
// over the target and fsyncs the directory. Its content is framed (magic "symsfil\x01",
// u64 length, CRC-32C of data ‖ length, 4 zero bytes, data) and ReadFile checks the frame.
// RemoveTempFiles deletes temporary files a crash left behind.
//
// # File systems
//
// Everything goes through the FS interface: OSFS in production, waltest.FaultFS in tests to
// fail, shorten or delay the Nth operation, simulate a crash and drop unsynced data.
package wal
