package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

const (
	checkedMagic      = "symsfil\x01"
	checkedHeaderSize = 24
	tempPrefix        = "."
	tempSuffix        = ".tmp"
)

var tempCounter atomic.Uint64

// WriteFileAtomic replaces the file at path with data so that, whatever happens, path holds
// either its old content or all of data: it writes a temporary file in the same directory,
// fsyncs it, renames it over path and fsyncs the directory. When it returns nil the new
// content is durable. A crash leaves at worst a temporary file named ".<name>.<id>.tmp",
// which RemoveTempFiles deletes.
//
// The file is framed with a header holding a magic, the length and a CRC-32C of data; read
// it back with ReadFile, which checks them. fsys nil means OSFS. Concurrent calls for
// different paths are safe; for the same path the last rename wins.
func WriteFileAtomic(fsys FS, path string, data []byte) error {
	if fsys == nil {
		fsys = OSFS{}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	var hdr [checkedHeaderSize]byte
	copy(hdr[0:8], checkedMagic)
	binary.LittleEndian.PutUint64(hdr[8:16], uint64(len(data)))
	crc := crc32.Update(crc32.Update(0, castagnoli, data), castagnoli, hdr[8:16])
	binary.LittleEndian.PutUint32(hdr[16:20], crc)

	var (
		f   File
		tmp string
		err error
	)
	for range 10 { // a stale temp file of an earlier process with our pid is possible
		tmp = filepath.Join(dir, tempPrefix+base+"."+strconv.Itoa(os.Getpid())+"-"+
			strconv.FormatUint(tempCounter.Add(1), 10)+tempSuffix)
		f, err = fsys.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("cannot create temporary file for %q: %w", path, err)
	}
	_, err = f.Write(hdr[:])
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fsys.Rename(tmp, path)
	}
	if err != nil {
		fsys.Remove(tmp) // best effort; RemoveTempFiles covers a failure here
		return fmt.Errorf("cannot write %q: %w", path, err)
	}
	if err := fsys.SyncDir(dir); err != nil {
		return fmt.Errorf("cannot fsync directory of %q: %w", path, err)
	}
	return nil
}

// ReadFile reads a file written by WriteFileAtomic and returns its data. A file that is
// not intact (bad magic, wrong length, checksum mismatch) is a *CorruptError; a missing
// file is an error wrapping fs.ErrNotExist. fsys nil means OSFS.
func ReadFile(fsys FS, path string) ([]byte, error) {
	if fsys == nil {
		fsys = OSFS{}
	}
	f, err := fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	bad := func(off int64, reason string) error {
		return &CorruptError{File: path, Offset: off, Reason: reason}
	}
	if size < checkedHeaderSize {
		return nil, bad(0, fmt.Sprintf("file of %d bytes is shorter than its %d-byte header", size, checkedHeaderSize))
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, size), buf); err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", path, err)
	}
	hdr, data := buf[:checkedHeaderSize], buf[checkedHeaderSize:]
	switch {
	case string(hdr[0:8]) != checkedMagic:
		return nil, bad(0, "bad magic")
	case binary.LittleEndian.Uint64(hdr[8:16]) != uint64(len(data)):
		return nil, bad(8, fmt.Sprintf("header says %d bytes of data, file holds %d",
			binary.LittleEndian.Uint64(hdr[8:16]), len(data)))
	case crc32.Update(crc32.Update(0, castagnoli, data), castagnoli, hdr[8:16]) != binary.LittleEndian.Uint32(hdr[16:20]):
		return nil, bad(checkedHeaderSize, "checksum mismatch")
	}
	return data, nil
}

// RemoveTempFiles deletes the temporary files WriteFileAtomic left in dir after a crash
// (every file named ".*.tmp") and returns their paths. Call it at startup, when no
// WriteFileAtomic into dir is running. fsys nil means OSFS.
func RemoveTempFiles(fsys FS, dir string) ([]string, error) {
	if fsys == nil {
		fsys = OSFS{}
	}
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot list %q: %w", dir, err)
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, tempPrefix) || !strings.HasSuffix(name, tempSuffix) {
			continue
		}
		p := filepath.Join(dir, name)
		if err := fsys.Remove(p); err != nil {
			return removed, fmt.Errorf("cannot remove temporary file: %w", err)
		}
		removed = append(removed, p)
	}
	if len(removed) > 0 {
		if err := fsys.SyncDir(dir); err != nil {
			return removed, fmt.Errorf("cannot fsync %q: %w", dir, err)
		}
	}
	return removed, nil
}
