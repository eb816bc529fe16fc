package upload

import (
	"errors"
	"fmt"
	"os"

	"github.com/symscore/symscore/wal"
)

// compactLocked rewrites the index: the description, the state and one record per
// received range, all marked durable, after syncing the data; the new index replaces the
// old one atomically (a temporary file, fsynced, renamed, the directory fsynced). Appends
// wait meanwhile. Caller holds mu; the fsyncs run without it.
func (u *Upload) compactLocked() error {
	for u.compacting {
		u.cond.Wait()
	}
	if u.data == nil || u.idx == nil {
		return ErrClosed
	}
	u.compacting = true
	defer func() {
		u.compacting = false
		u.cond.Broadcast()
	}()
	snap := append([]Range(nil), u.got.All()...)
	st := u.st
	b := appendState(appendDescribe(appendHeader(nil), u.desc), st)
	for _, r := range snap {
		b = appendRange(b, r, 0, true)
	}
	path := u.m.indexPath(u.desc.ID)
	tmp := path + ".tmp"
	data := u.data
	u.io++
	u.mu.Unlock()
	err := func() error {
		if err := datasync(data); err != nil {
			return err
		}
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			f.Close()
			return err
		}
		if err := (wal.OSFS{}).SyncDir(u.m.opts.Dir); err != nil {
			f.Close()
			return err
		}
		u.mu.Lock()
		old := u.idx
		u.idx, u.idxEnd, u.records = f, int64(len(b)), len(snap)
		u.mu.Unlock()
		old.Close()
		return nil
	}()
	u.mu.Lock()
	u.io--
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot rewrite the index: %w", err)
	}
	return nil
}

// syncAll makes what was written of every upload durable (the background sync of
// ModeInterval and ModeNone, and Close): the data, then a synced record covering the
// range records before it, then the index; an index grown past its ranges is compacted.
func (m *Manager) syncAll() error {
	var errs []error
	for _, u := range m.uploads() {
		if err := u.backgroundSync(); err != nil {
			errs = append(errs, fmt.Errorf("upload %s: %w", u.desc.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (u *Upload) backgroundSync() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.dirty || u.syncing || u.gone || u.data == nil || u.ioErr != nil {
		return nil
	}
	u.dirty = false
	u.syncing = true
	defer func() { u.syncing = false }()
	if u.records > compactAt(u.got.Count()) {
		if err := u.compactLocked(); err != nil {
			u.failIOLocked("compact", err)
			return err
		}
		return nil
	}
	covered, idx := u.idxEnd, u.idx
	if err := u.syncUnlocked(u.data); err != nil {
		u.failIOLocked("sync", err)
		return err
	}
	if u.idx != idx {
		return nil // closed, or compacted meanwhile (which made everything durable)
	}
	if err := u.appendIndexLocked(appendSynced(nil, covered)); err != nil {
		u.failIOLocked("write index", err)
		return err
	}
	if err := u.syncUnlocked(u.idx); err != nil {
		u.failIOLocked("sync index", err)
		return err
	}
	return nil
}

// writeStateLocked appends st to the index, syncs it and makes it the upload's state.
func (u *Upload) writeStateLocked(st stateRec) error {
	if err := u.appendIndexLocked(appendState(nil, st)); err != nil {
		return err
	}
	if err := u.syncUnlocked(u.idx); err != nil {
		return err
	}
	u.st = st
	u.active = st.At
	return nil
}

// closeFilesLocked closes u's files once no sync runs; remove also deletes the data file
// (durably: the directory is synced).
func (u *Upload) closeFilesLocked(removeData bool) error {
	for u.io > 0 || u.compacting || u.flushing {
		u.cond.Wait()
	}
	var err error
	if u.data != nil {
		u.data.Close()
		u.data = nil
		if removeData {
			if e := os.Remove(u.m.dataPath(u.desc.ID)); e != nil && !errors.Is(e, os.ErrNotExist) {
				err = e
			} else {
				err = (wal.OSFS{}).SyncDir(u.m.opts.Dir)
			}
		}
	}
	return err
}

// datasync flushes f to the disk.
func datasync(f *os.File) error { return f.Sync() }

// closeLocked closes u's files once no sync runs (removeData also deletes the data file),
// for good: u is gone.
func (u *Upload) closeLocked(removeData bool) error {
	u.gone = true
	u.cond.Broadcast()
	err := u.closeFilesLocked(removeData)
	if u.idx != nil {
		u.idx.Close()
		u.idx = nil
	}
	return err
}
