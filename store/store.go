package store

import (
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// Defaults of Options.
const (
	DefaultCheckpointInterval = time.Minute
	DefaultCheckpointBytes    = 256 << 20
	DefaultReplayWindow       = 6 * time.Minute
)

// Options configure a Store. The zero value keeps everything in memory.
type Options struct {
	// Dir is the data directory; "" keeps everything in memory (no log, no snapshots).
	Dir string
	// Mode says when a change is acknowledged (see the package documentation).
	Mode wal.Mode
	// Interval is the fsync period of wal.ModeInterval; 0 means wal.DefaultInterval.
	Interval time.Duration
	// SegmentBytes is the log's segment size; 0 means wal.DefaultSegmentBytes.
	SegmentBytes int64
	// Repair lets recovery cut a corrupt log and skip records that do not fit the state,
	// logging each at error level, instead of refusing to open. It destroys data.
	Repair bool
	// Limits bound what clients can make a project hold (model.Limits).
	Limits model.Limits
	// CheckpointInterval and CheckpointBytes trigger a checkpoint: time since the last one
	// (with something changed), or bytes of records logged since. 0 means the defaults;
	// a negative CheckpointInterval disables timed checkpoints.
	CheckpointInterval time.Duration
	CheckpointBytes    int64
	// ReplayWindow is how long the log keeps seen records (RecordSeen) after they were
	// written: the replay memory's window plus how far ahead a date may be (auth's
	// ClockSkewPast + ClockSkewFuture). 0 means DefaultReplayWindow; a negative one keeps
	// nothing beyond what snapshots need (tests).
	ReplayWindow time.Duration
	// Now is the clock of checkpoints' log retention; nil means time.Now.
	Now func() time.Time
	// FS is the file system; nil means wal.OSFS.
	FS wal.FS
	// Log is where records go instead of the write-ahead log of Dir (snapshots stay in
	// Dir; without Dir there are none and Open replays the whole Log). nil means the
	// write-ahead log, or memory without Dir. See the package documentation for the
	// contract a Log meets.
	Log Log
	// DeltaRecords logs every learn and forget as its summary delta, whatever its rows,
	// unless the delta would exceed what a delta may take (tryDelta): the record of a
	// cluster log, which every node applies, so that each applies a merge of O(d²) instead
	// of the rows.
	DeltaRecords bool
	// Snapshot is a full snapshot (FullSnapshot, made by another node of a cluster) to
	// start from instead of the snapshot files: with Dir it replaces them all
	// (InstallFullSnapshot), and the log is replayed from the sequence it covers. nil: the
	// snapshot files of Dir, and the log from its start (or its own resume point).
	Snapshot []byte
	// Logger receives recovery and checkpoint events; nil discards them.
	Logger *slog.Logger
}

// Store holds every project and makes changes durable. See the package documentation.
type Store struct {
	opts    Options
	reg     *model.Registry
	log     Log  // the WAL with a data directory, memory without
	durable bool // a data directory
	fs      wal.FS
	slog    *slog.Logger
	snap    string // snapshot directory

	fileMu sync.Mutex // guards snapSeq and the snapshot files; see the lock order
	// snapSeq is, per project, the Seq of its newest durable snapshot file.
	snapSeq map[*model.Project]uint64

	// marks are (time, next LSN) samples, oldest first: every record below a mark's LSN was
	// written before its time. Checkpoints truncate only below a mark older than
	// ReplayWindow, so seen records outlive the replay window. Guarded by fileMu.
	marks []logMark
	// seen are the seen records recovered at Open (Seen).
	seen []Seen

	lanesMu sync.Mutex // guards lanes and every lane's refs
	lanes   map[laneKey]*lane

	resMu    sync.Mutex     // guards reserved
	reserved map[string]int // per customer: creates and imports logged, not yet applied

	uploadsMu sync.Mutex             // guards uploads and holding
	uploads   map[string]*uploadHold // held uploads by id (uploads.go)
	holding   map[laneKey]int        // per project: the uploads it holds

	lastStamp atomic.Int64 // the time of the last change stamped (Unix nanoseconds)

	// checkpointed is when the last checkpoint that succeeded ended, in Unix nanoseconds
	// (the end of recovery before the first one): Stats reports its age.
	checkpointed atomic.Int64

	logged atomic.Int64 // record bytes appended since the last checkpoint
	// seenNoted counts the bytes of seen records noted since the last flushSeen; past
	// seenFlushBytes, seenKick wakes the background loop to write them.
	seenNoted  atomic.Int64
	seenKick   chan struct{}
	noTruncate atomic.Bool // a deleted project's snapshot could not be removed
	kick       chan struct{}
	stop       chan struct{}
	stopped    chan struct{}
	closed     atomic.Bool

	changes  sync.Pool // *change
	decoders sync.Pool // *decoder
}

// Open opens the store, recovering it from Options.Dir (see the package documentation),
// and returns once it is ready for traffic.
func Open(opts Options) (*Store, error) {
	if opts.FS == nil {
		opts.FS = wal.OSFS{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CheckpointInterval == 0 {
		opts.CheckpointInterval = DefaultCheckpointInterval
	}
	if opts.CheckpointBytes <= 0 {
		opts.CheckpointBytes = DefaultCheckpointBytes
	}
	if opts.ReplayWindow == 0 {
		opts.ReplayWindow = DefaultReplayWindow
	}
	opts.ReplayWindow = max(opts.ReplayWindow, 0)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{
		opts:     opts,
		reg:      model.NewRegistry(),
		fs:       opts.FS,
		slog:     opts.Logger,
		snapSeq:  make(map[*model.Project]uint64),
		lanes:    make(map[laneKey]*lane),
		reserved: make(map[string]int),
		uploads:  make(map[string]*uploadHold),
		holding:  make(map[laneKey]int),
		kick:     make(chan struct{}, 1),
		seenKick: make(chan struct{}, 1),
		stop:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	s.changes.New = func() any { return new(change) }
	s.decoders.New = func() any { return new(decoder) }
	s.durable = opts.Dir != ""
	switch {
	case opts.Log != nil:
		s.log = opts.Log
	case s.durable:
		l, err := wal.Open(filepath.Join(opts.Dir, "wal"), wal.Options{
			Mode: opts.Mode, Interval: opts.Interval, SegmentBytes: opts.SegmentBytes,
			FS: opts.FS, Repair: opts.Repair, Logger: opts.Logger,
		})
		if err != nil {
			return nil, err
		}
		s.log = newWALLog(l)
	default:
		s.log = &memLog{}
	}
	if s.durable {
		s.snap = filepath.Join(opts.Dir, "snapshots")
	}
	// Recovery replays what was acknowledged under whatever limits held then: each record
	// holds its own (records of format 1, none: they are replayed unlimited).
	s.reg.SetLimits(model.Unlimited)
	if err := s.recover(); err != nil {
		s.log.Close()
		return nil, err
	}
	s.log.Start(s.deliver)
	s.reg.SetLimits(opts.Limits)
	if !s.durable {
		close(s.stopped)
		return s, nil
	}
	// What the log holds now may have been written just before a crash: nothing of it is
	// known to be older than ReplayWindow until that long from now.
	s.marks = []logMark{{at: opts.Now(), lsn: s.log.NextSeq()}}
	s.checkpointed.Store(time.Now().UnixNano())
	go s.runCheckpoints()
	return s, nil
}

// logMark says that every record below lsn was written before at.
type logMark struct {
	at  time.Time
	lsn uint64
}

// Seen is an accepted signed message's customer, replay key and date, and whether it was a
// read, kept by RecordSeen. CID is empty in logs written before customers were recorded.
type Seen struct {
	CID  string
	Key  [16]byte
	Date time.Time
	Read bool
}

// RecordSeen logs the customer, replay key and date of a signed message the server
// accepted (read: a read rather than a change), so that after a restart Seen gives it back
// to the customer's share of the replay memory. It does not wait: a change that follows is
// logged after it and waited for, so when that change is durable, so is this record (a
// read's is durable with the next fsync). In memory it does nothing.
//
// A Log that refuses replays itself (a cluster log: the record's message id in the bus's
// duplicate window) gets the record too, and may refuse it with an error wrapping
// ErrReplayed, returned as is: the signature was accepted before, here or on another node.
func (s *Store) RecordSeen(cid string, key [16]byte, date time.Time, read bool) error {
	if !s.durable && s.opts.Log == nil {
		return nil
	}
	if s.closed.Load() {
		return unavailable(wal.ErrClosed)
	}
	// The log's checksum keeps a reference to the record (crc32's assembly), so a stack
	// buffer would move to the heap at every call: the buffers are pooled.
	bp := seenBufs.Get().(*[]byte)
	*bp = appendSeen((*bp)[:0], cid, key, date, read)
	n := int64(len(*bp))
	err := s.log.Note(*bp)
	seenBufs.Put(bp)
	if err != nil {
		if errors.Is(err, ErrReplayed) {
			return err
		}
		return unavailable(err)
	}
	if s.seenNoted.Add(n) >= seenFlushBytes {
		select {
		case s.seenKick <- struct{}{}:
		default:
		}
	}
	return nil
}

// A seen record is written with the next change, which waits for it. Reads change nothing:
// under reads alone their seen records would wait in memory. The background loop writes
// them once seenFlushBytes are waiting, or every seenFlushInterval (flushSeen).
const (
	seenFlushBytes    = 1 << 20
	seenFlushInterval = time.Second
)

// flushSeen writes (and, as the durability mode says, syncs) the seen records enqueued
// since the last call, if any.
func (s *Store) flushSeen() {
	if s.seenNoted.Swap(0) == 0 || s.log.Err() != nil {
		return
	}
	if err := s.log.Sync(); err != nil {
		s.slog.Error("store: writing the signatures of accepted messages failed", "err", err)
	}
}

// seenBufs are RecordSeen's record buffers (a seen record is at most about 170 bytes).
var seenBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// Seen returns the seen records the log held at Open (the signatures accepted in the
// last ReplayWindow before it), for the replay memory to remember.
func (s *Store) Seen() []Seen { return s.seen }

// Close stops the background checkpoints, runs a last checkpoint and closes the log. Changes
// after Close return an error wrapping ErrUnavailable. A second Close returns nil.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if !s.durable {
		return s.log.Close()
	}
	close(s.stop)
	<-s.stopped
	var errs []error
	if s.log.Err() == nil {
		if err := s.Checkpoint(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := s.log.Close(); err != nil && !errors.Is(err, wal.ErrClosed) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Err returns the sticky durability failure (wrapping ErrUnavailable), or nil.
//
// An error wrapping ErrRestartNeeded says the state held may have left the log's: see
// ErrRestartNeeded.
func (s *Store) Err() error {
	if err := s.log.Err(); err != nil {
		return unavailable(err)
	}
	return nil
}

// Durable reports whether the store has a data directory.
func (s *Store) Durable() bool { return s.durable }

// Project returns customer cid's project pid, or model.ErrProjectNotFound. Read it freely
// (Snapshot, Info, Model); change it only through the Store.
func (s *Store) Project(cid, pid string) (*model.Project, error) { return s.reg.Get(cid, pid) }

// List returns customer cid's project ids, sorted.
func (s *Store) List(cid string) []string { return s.reg.List(cid) }
