package store

import (
	"errors"
	"sort"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// An uploaded file is learned as one change, logged as an upload record: the summary delta
// of its rows and the upload's id. The uploads' own files (package internal/upload) say
// whether an upload was finalized, but they are written after the change, so a crash in
// between would leave an upload whose change may or may not be in the state. The store
// answers that question exactly, until the caller has written the outcome down and
// settled the upload (Settle):
//
//   - LearnUpload and ForgetUpload hold the upload from before its record is appended;
//     a project that holds an upload has no snapshot written past it (a checkpoint
//     discards one made while the upload was held), so until it is settled its record
//     stays in the log and a recovery replays it rather than finding it in a snapshot;
//   - recovery holds every upload whose record it replays, with the application's outcome.
//
// Uploads returns the held uploads and their outcomes; Settle lets one go.

// UploadOutcome is what the store knows of an upload it holds.
type UploadOutcome struct {
	// ID, CID and PID name the upload and the project its change is for.
	ID, CID, PID string
	// Final: the outcome is known for good, and Err is the refusal (of the application,
	// or of a record too large to log) or nil (applied). Not final: the record could not
	// be made durable (ErrUnavailable); it may still be replayed after a restart, which
	// then holds the upload again with a final outcome.
	Final bool
	Err   error
}

// uploadHold is one held upload.
type uploadHold struct {
	key   laneKey
	done  bool // the change returned (or was replayed): final and err are its outcome
	final bool
	err   error
}

// LearnUpload adds the rows summarised by d, the rows of upload id, to the project as one
// change, as LearnDelta does, logged as an upload record holding id; the upload stays held
// until Settle (see Uploads).
func (s *Store) LearnUpload(cid, pid, id string, d *model.Delta) error {
	if id == "" {
		return errors.New("store: an upload needs an id")
	}
	return s.deltaChange(kindLearnUpload, cid, pid, id, d)
}

// ForgetUpload removes the rows summarised by d, the rows of upload id, as LearnUpload adds
// them.
func (s *Store) ForgetUpload(cid, pid, id string, d *model.Delta) error {
	if id == "" {
		return errors.New("store: an upload needs an id")
	}
	return s.deltaChange(kindForgetUpload, cid, pid, id, d)
}

// holdUpload holds upload id of project key, before its record is appended.
func (s *Store) holdUpload(id string, key laneKey) {
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	if old, ok := s.uploads[id]; ok {
		s.unholdLocked(old.key)
	}
	s.uploads[id] = &uploadHold{key: key}
	s.holding[key]++
}

// uploadOutcome records what submit returned for upload id's change.
func (s *Store) uploadOutcome(id string, err error) {
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	h := s.uploads[id]
	if h == nil {
		return
	}
	h.done = true
	h.final = !errors.Is(err, ErrUnavailable)
	if h.final {
		h.err = err
	}
}

// replayedUpload holds upload id of project key, whose record recovery read: applied when
// err is nil, refused otherwise.
func (s *Store) replayedUpload(id string, key laneKey, err error) {
	s.holdUpload(id, key)
	s.uploadOutcome(id, err)
}

// Uploads returns the uploads the store holds whose outcome is known, sorted by id: those
// whose LearnUpload or ForgetUpload has returned, and those recovery replayed.
func (s *Store) Uploads() []UploadOutcome {
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	out := make([]UploadOutcome, 0, len(s.uploads))
	for id, h := range s.uploads {
		if h.done {
			out = append(out, UploadOutcome{ID: id, CID: h.key.cid, PID: h.key.pid, Final: h.final, Err: h.err})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Settle lets upload id go: its outcome is written down elsewhere, and checkpoints may
// cover its record again. Settling an upload the store does not hold does nothing.
func (s *Store) Settle(id string) {
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	if h, ok := s.uploads[id]; ok {
		delete(s.uploads, id)
		s.unholdLocked(h.key)
	}
}

func (s *Store) unholdLocked(key laneKey) {
	if s.holding[key]--; s.holding[key] <= 0 {
		delete(s.holding, key)
	}
}

// holdsUpload reports whether project key holds an upload: no snapshot of it may be
// written.
func (s *Store) holdsUpload(key laneKey) bool {
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	return s.holding[key] > 0
}

// Sync makes every change logged so far durable, whatever the durability mode: an upload's
// files may be removed once its change is durable. Without a data directory it does
// nothing.
func (s *Store) Sync() error {
	if !s.durable {
		return nil
	}
	if s.closed.Load() {
		return unavailable(wal.ErrClosed)
	}
	if err := s.log.Sync(); err != nil {
		return unavailable(err)
	}
	return nil
}
