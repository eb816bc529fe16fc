package ops

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/ident"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/upload"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/wal"
)

// Bulk uploads (docs/uploads.md): announce a file, write its chunks in any order over any
// number of connections, read its status, delete it, and finalize it into a job that
// learns or forgets the whole file as one change (uploads_finalize.go). The files are
// package upload's; every call into it is here or in uploads_finalize.go.

// openUploads opens the uploads under data_dir/uploads with the configured limits.
func openUploads(cfg config.Config, log *slog.Logger, now func() time.Time) (*upload.Manager, error) {
	mode, err := wal.ParseMode(cfg.Durability)
	if err != nil {
		return nil, err
	}
	return upload.Open(upload.Options{
		Dir:            filepath.Join(cfg.DataDir, "uploads"),
		Mode:           mode,
		Interval:       cfg.DurabilityInterval,
		TTL:            cfg.Uploads.TTL,
		MaxUploadBytes: cfg.Limits.MaxUploadBytes,
		MaxUploads:     cfg.Limits.MaxUploads,
		MaxDiskBytes:   cfg.Limits.MaxUploadDiskBytes,
		Now:            now,
		Log:            log,
	})
}

// registerUploadMetrics exposes the uploads' gauges and counters.
func registerUploadMetrics(m *metrics.Set, u *upload.Manager) {
	m.Uploads(u.Reserved, u.BytesWritten.Load)
}

// AnnounceArgs is an announce: the project, the file's name and size in bytes, its format.
type AnnounceArgs struct {
	PID, Name, Format string
	Size              int64
}

// Announce starts an upload of a file for the customer's project a.PID and returns its
// status (its id, and when it expires). The project must exist; the name is a name
// (package ident: it names the file in errors); the size and the customer's uploads are
// within the limits, and the file's room is reserved on disk at once. Refusals:
// BAD_REQUEST (project, name, format, a size over limits.max_upload_bytes), 503 (the
// customer's limits.max_uploads, limits.max_upload_disk_bytes, a full disk).
func (s *Service) Announce(c Customer, a AnnounceArgs) (upload.Status, error) {
	if _, err := s.findProject(c, a.PID); err != nil {
		return upload.Status{}, err
	}
	if a.Name == "" {
		return upload.Status{}, s.Refuse(protocol.Errorf(protocol.StatusBadRequest, `"name" must name the file, e.g. "iris.csv"`))
	}
	if err := ident.CheckName(a.Name, s.maxNameBytes); err != nil {
		return upload.Status{}, s.Refuse(protocol.Errorf(protocol.StatusBadRequest, "name %s: %v", QuoteInput(a.Name), err))
	}
	st, err := s.uploads.Announce(c.id, a.PID, a.Name, a.Format, a.Size)
	if err != nil {
		return upload.Status{}, s.Refuse(err)
	}
	return s.onNode(st), nil
}

// onNode names, on a cluster node, this node in an upload's status: its bytes are held
// here, and its chunks, status and finalize are served here only.
func (s *Service) onNode(st upload.Status) upload.Status {
	if s.node != nil {
		st.Node, st.NodeID = s.nodeURL, s.node.NodeID()
	}
	return st
}

// UploadChunkSize is the chunk size an announce suggests (chunks of any size up to
// limits.max_frame_bytes are taken).
const UploadChunkSize = upload.DefaultChunkSize

// Upload returns the status of the customer's upload id (another customer's is not
// found).
func (s *Service) Upload(c Customer, id string) (upload.Status, error) {
	u, err := s.upload(c, id)
	if err != nil {
		return upload.Status{}, err
	}
	return s.onNode(u.Status()), nil
}

// Uploads lists the customer's uploads, oldest first.
func (s *Service) Uploads(c Customer) ([]upload.Status, error) {
	if err := check(c); err != nil {
		return nil, s.Refuse(err)
	}
	list := s.uploads.List(c.id)
	for i := range list {
		list[i] = s.onNode(list[i])
	}
	return list, nil
}

// DeleteUpload discards the customer's upload id and its file (refused while it is being
// finalized).
func (s *Service) DeleteUpload(c Customer, id string) error {
	if err := check(c); err != nil {
		return s.Refuse(err)
	}
	if err := s.uploads.Delete(c.id, id); err != nil {
		return s.Refuse(err)
	}
	return nil
}

// upload is the customer's upload id, or its refusal.
func (s *Service) upload(c Customer, id string) (*upload.Upload, error) {
	if err := check(c); err != nil {
		return nil, s.Refuse(err)
	}
	u, err := s.uploads.Get(c.id, id)
	if err != nil {
		if s.node != nil && errors.Is(err, upload.ErrNotFound) {
			// Another node may hold it: say where uploads live.
			err = fmt.Errorf("%w (on a cluster, an upload is served only by the node that took its announce; this is node %s)", err, s.node.NodeID())
		}
		return nil, s.Refuse(err)
	}
	return u, nil
}

// UploadTarget is an upload a connection writes chunks to, bound once (BindUpload). It
// is a value: copy it freely.
type UploadTarget struct {
	u *upload.Upload
}

// BindUpload binds the customer's upload id for chunks and returns its status.
func (s *Service) BindUpload(c Customer, id string) (UploadTarget, upload.Status, error) {
	u, err := s.upload(c, id)
	if err != nil {
		return UploadTarget{}, upload.Status{}, err
	}
	return UploadTarget{u}, u.Status(), nil
}

// ChunkResult is what a chunk did: where it went, its length, and the distinct bytes the
// upload has received so far.
type ChunkResult struct {
	Position, Length, Received int64
}

// WriteChunk writes the chunk data at position pos of t's upload and returns once it is
// durable (the durability mode's rule). Refusals: CONFLICT for bytes that differ from
// those received (nothing written) or an upload that takes no more chunks, BAD_REQUEST
// for a chunk past the size, 503 when the file cannot be written. data is only read
// during the call.
func (s *Service) WriteChunk(t UploadTarget, pos int64, data []byte) (ChunkResult, error) {
	tk, err := s.WriteChunkAsync(t, pos, data)
	if err != nil {
		return ChunkResult{}, err
	}
	return s.AwaitChunk(t, tk)
}

// ChunkTicket is a chunk written by WriteChunkAsync, awaiting durability. A value.
type ChunkTicket struct {
	t      upload.Ticket
	pos, n int64
}

// Durable reports whether the chunk was durable already: AwaitChunk returns at once.
func (tk ChunkTicket) Durable() bool { return tk.t.Durable() }

// WriteChunkAsync is WriteChunk in two steps, so that a connection may go on with its next
// chunks while this one is made durable (they share the fsyncs): it writes the chunk
// (WriteChunk's refusals) and returns the ticket AwaitChunk waits on.
func (s *Service) WriteChunkAsync(t UploadTarget, pos int64, data []byte) (ChunkTicket, error) {
	if t.u == nil {
		return ChunkTicket{}, s.Refuse(protocol.Errorf(protocol.StatusBadRequest, "no upload bound"))
	}
	tk, err := t.u.WriteAsync(pos, data)
	if err != nil {
		return ChunkTicket{}, s.Refuse(err)
	}
	return ChunkTicket{t: tk, pos: pos, n: int64(len(data))}, nil
}

// AwaitChunk returns once the chunk of tk is durable, with its result.
func (s *Service) AwaitChunk(t UploadTarget, tk ChunkTicket) (ChunkResult, error) {
	received, err := t.u.Await(tk.t)
	if err != nil {
		return ChunkResult{}, s.Refuse(err)
	}
	return ChunkResult{Position: tk.pos, Length: tk.n, Received: received}, nil
}
