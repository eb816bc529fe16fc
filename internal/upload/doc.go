// Package upload keeps the files of bulk uploads (docs/uploads.md) while they arrive,
// chunk by chunk, in any order and over several connections, until they are finalized,
// deleted or expire; and reads a finished file into the summary of its rows (Summarise),
// in parallel parts. It knows no transport and no project state: package ops announces,
// checks projects, runs finalize jobs and logs the change through the store.
//
// # Files
//
// Under Options.Dir (data_dir/uploads), per upload, named after its id (128 random bits,
// crypto/rand.Text):
//
//	<id>.data  the file's bytes, allocated to its size when it is announced (fallocate
//	           where the file system can: the disk's room is taken at once)
//	<id>.idx   the index: a header, the upload's description, then a log of range
//	           records (bytes received), synced records and state records (index.go
//	           draws the format); rewritten (compacted) atomically when its range
//	           records outnumber its ranges
//
// A done or expired upload keeps only its index (the file is removed) until it is
// forgotten, uploads.ttl later.
//
// # Durability
//
// A chunk is acknowledged as a learn is (Options.Mode):
//
//	ModeAlways    the bytes are written and fsynced, then their range record is appended
//	              to the index and fsynced (group commit: the chunks of every connection
//	              written meanwhile share the two fsyncs)
//	ModeInterval  the bytes and their range record are written (a process crash loses
//	ModeNone      nothing); a background loop fsyncs the data, appends a synced record
//	              naming the index records it covers, and fsyncs the index, every
//	              durability_interval (ModeNone: every second)
//
// A range record written before its bytes were known durable carries the CRC-32C of the
// bytes; unless a later synced record covers it, recovery reads the bytes back and drops
// the range when they differ (a power failure lost them): the client sends them again.
// Recovery also cuts a torn tail of the index, removes the files of an announce a crash
// interrupted and compaction leftovers, and removes the file of a done upload whose
// removal did not happen. Every state change (finalizing, applying, done, failed,
// expired) is an fsynced state record.
//
// # Finalize
//
// BeginFinalize (complete uploads only) → the caller's job reads the file → Applying
// (the rows are counted) → the caller logs the change (store.LearnUpload) and makes it
// durable → Done (the file removed) or Fail. An upload left Finalizing or Applying by a
// crash is Unresolved at the next Open: the store says whether its change was logged.
//
// # Limits
//
// Announce refuses a size over Options.MaxUploadBytes, a customer's upload past
// Options.MaxUploads (uploads that hold a file: receiving, finalizing or failed), and a
// reservation past Options.MaxDiskBytes (the sizes of those files together); Write refuses
// a chunk past the size and one that would leave more than Options.MaxRanges disjoint
// ranges. Every refusal is an *Error wrapping a sentinel the caller maps to a wire
// status.
//
// # Concurrency
//
// A Manager and its Uploads are safe for concurrent use. Lock order: Manager.mu, then
// Upload.mu; no fsync runs under either (upload.go says how the files stay open).
package upload
