package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Defaults of UploadOptions.
const (
	DefaultUploadConnections = 3
	DefaultUploadChunkSize   = 1 << 20
	DefaultUploadWindow      = 4
	DefaultUploadJobPoll     = 250 * time.Millisecond
)

// UploadOptions configure Upload.
type UploadOptions struct {
	FinalizeOptions
	// Resume is the id of an upload of the same file to complete: only the ranges it
	// misses are sent. Empty announces a new upload.
	Resume string
	// Node is, on a cluster behind a load balancer, the URL of the node that holds the
	// upload to resume (UploadError.Node): its status, chunks and finalize go there.
	// Empty: the client's own URL. Only with Resume: a new upload follows the node its
	// announce names.
	Node string
	// Name names the file on the server (in its errors); empty: the path's base name.
	Name string
	// Connections send chunks in parallel (default DefaultUploadConnections), each at most
	// Window chunks awaiting their reply (default DefaultUploadWindow), of ChunkSize bytes
	// (default DefaultUploadChunkSize; the server takes up to its limits.max_frame_bytes
	// less 8). Larger chunks mean fewer fsyncs on the server.
	Connections, Window, ChunkSize int
	// JobPoll is the pause between polls of the finalize job (default
	// DefaultUploadJobPoll).
	JobPoll time.Duration
	// Progress, when set, is called as chunks are acknowledged and as the job learns; one
	// call at a time.
	Progress func(UploadProgress)
}

// UploadProgress is how far an Upload got.
type UploadProgress struct {
	// Phase is "sending" while chunks go, "learning" while the finalize job runs.
	Phase    string
	UploadID string
	// Received is the bytes the server has of the file (a resumed upload's earlier ones
	// included), of Size.
	Received, Size int64
	// Job is the finalize job's state while learning.
	Job *JobStatus
}

// UploadResult is what an Upload did.
type UploadResult struct {
	UploadID, JobID          string
	RowsApplied, RowsSkipped int64
	// Sent is the bytes this call sent (a resume sends only what was missing).
	Sent int64
}

// UploadError is an Upload that failed: UploadID names the upload (empty when the
// announce itself failed). Before the finalize (Finalizing false) the upload can be
// resumed (UploadOptions.Resume); a finalize that failed (a *StatusError, e.g. a bad
// cell) changed nothing, and the upload can be finalized again (FinalizeUpload).
type UploadError struct {
	UploadID string
	// Node is the URL of the cluster node that holds the upload, when the server named
	// one: resume with UploadOptions.Node set to it.
	Node       string
	Finalizing bool
	Err        error
}

func (e *UploadError) Error() string {
	if e.UploadID == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("upload %s: %v", e.UploadID, e.Err)
}

func (e *UploadError) Unwrap() error { return e.Err }

// Upload learns (or forgets) the CSV file at path into project pid as one change: it
// announces the file (or resumes upload o.Resume), sends every missing byte in chunks over
// o.Connections connections, finalizes the upload and waits for the job. A failure before
// the finalize is an *UploadError naming the upload to resume; so is a failed job, whose
// *StatusError it wraps (a bad cell: BAD_REQUEST with its line and column; nothing was
// learned).
func (c *Client) Upload(ctx context.Context, path, pid string, o UploadOptions) (*UploadResult, error) {
	if o.Node != "" && o.Resume == "" {
		return nil, errors.New("upload: Node names the node holding the upload to resume: set Resume too")
	}
	o.defaults(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := before.Size()
	if size == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	id, node := o.Resume, o.Node
	if id == "" {
		a, err := c.AnnounceUpload(ctx, pid, o.Name, size)
		if err != nil {
			return nil, &UploadError{Err: err}
		}
		id, node = a.ID, a.Node
	}
	// On a cluster, the node that took the announce holds the upload: everything else
	// goes there, past a load balancer that might send it to another node.
	nc, err := c.At(node)
	if err != nil {
		return nil, &UploadError{UploadID: id, Err: err}
	}
	o.Node = node
	up, uerr := nc.upload(ctx, f, id, pid, size, o)
	if uerr != nil {
		uerr.Node = node
		return nil, uerr
	}
	if after, err := f.Stat(); err != nil || after.Size() != size || !after.ModTime().Equal(before.ModTime()) {
		return nil, &UploadError{UploadID: id, Node: node, Err: fmt.Errorf("%s changed while it was sent; delete the upload and start again", path)}
	}
	return nc.finalizeUpload(ctx, up, o)
}

// upload sends what upload id misses of f (checking a resumed one first), until the
// server has it all.
func (c *Client) upload(ctx context.Context, f *os.File, id, pid string, size int64, o UploadOptions) (*uploadRun, *UploadError) {
	if o.Resume != "" {
		if err := c.checkResume(ctx, id, pid, size); err != nil {
			return nil, &UploadError{UploadID: id, Err: err}
		}
	}
	res := &UploadResult{UploadID: id}
	p := &uploadProgress{fn: o.Progress, id: id, size: size}
	for round := 0; ; round++ {
		st, err := c.UploadStatus(ctx, id)
		if err != nil {
			return nil, &UploadError{UploadID: id, Err: err}
		}
		p.received(st.Received)
		if st.Complete {
			break
		}
		if round > 0 && len(st.Missing) == 0 {
			return nil, &UploadError{UploadID: id, Err: errors.New("the server reports the upload incomplete but misses nothing")}
		}
		sent, err := c.sendRanges(ctx, id, f, st.Missing, o, p)
		res.Sent += sent
		if err != nil {
			return nil, &UploadError{UploadID: id, Err: err}
		}
	}
	return &uploadRun{res: res, progress: p}, nil
}

// uploadRun is an upload whose bytes the server has.
type uploadRun struct {
	res      *UploadResult
	progress *uploadProgress
}

// finalizeUpload finalizes the upload of up and waits for its job.
func (c *Client) finalizeUpload(ctx context.Context, up *uploadRun, o UploadOptions) (*UploadResult, error) {
	res, id := up.res, up.res.UploadID
	job, err := c.FinalizeUpload(ctx, id, o.FinalizeOptions)
	if err != nil {
		return nil, &UploadError{UploadID: id, Node: o.Node, Err: err}
	}
	res.JobID = job.ID
	js, err := c.WaitJobProgress(ctx, job, o.JobPoll, func(js *JobStatus) { up.progress.job(js) })
	if err != nil {
		return nil, &UploadError{UploadID: id, Node: o.Node, Finalizing: true, Err: err}
	}
	res.RowsApplied, res.RowsSkipped = js.RowsApplied, js.RowsSkipped
	return res, nil
}

func (o *UploadOptions) defaults(path string) {
	if o.Name == "" {
		o.Name = filepath.Base(path)
	}
	if o.Connections <= 0 {
		o.Connections = DefaultUploadConnections
	}
	if o.Window <= 0 {
		o.Window = DefaultUploadWindow
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultUploadChunkSize
	}
	if o.JobPoll <= 0 {
		o.JobPoll = DefaultUploadJobPoll
	}
}

// checkResume refuses to resume an upload of another size or project, or one that no
// longer takes chunks.
func (c *Client) checkResume(ctx context.Context, id, pid string, size int64) error {
	st, err := c.UploadStatus(ctx, id)
	switch {
	case err != nil:
		return err
	case st.Size != size:
		return fmt.Errorf("the upload is of %d bytes, the file of %d: not the same file", st.Size, size)
	case st.PID != pid:
		return fmt.Errorf("the upload is for project %q, not %q", st.PID, pid)
	case st.State != "receiving" && st.State != "failed":
		return fmt.Errorf("the upload is %s: there is nothing to resume", st.State)
	}
	return nil
}

// uploadProgress serialises the progress calls of an Upload.
type uploadProgress struct {
	mu   sync.Mutex
	fn   func(UploadProgress)
	id   string
	size int64
	got  int64 // the largest received count the server reported
}

func (p *uploadProgress) received(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n <= p.got && p.got > 0 {
		return
	}
	p.got = max(p.got, n)
	if p.fn != nil {
		p.fn(UploadProgress{Phase: "sending", UploadID: p.id, Received: p.got, Size: p.size})
	}
}

func (p *uploadProgress) job(js *JobStatus) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fn != nil {
		p.fn(UploadProgress{Phase: "learning", UploadID: p.id, Received: p.size, Size: p.size, Job: js})
	}
}

// sendRanges sends the bytes of the ranges from f, cut in chunks, over connections to
// upload id, and returns the bytes sent. The first failure stops every connection.
func (c *Client) sendRanges(ctx context.Context, id string, f io.ReaderAt, ranges []ByteRange, o UploadOptions, p *uploadProgress) (int64, error) {
	chunks := make(chan ByteRange)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(chunks)
		for _, r := range ranges {
			for pos := r.From; pos < r.To; pos += int64(o.ChunkSize) {
				select {
				case chunks <- ByteRange{pos, min(pos+int64(o.ChunkSize), r.To)}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	n := int64(0)
	for _, r := range ranges {
		n += (r.Len() + int64(o.ChunkSize) - 1) / int64(o.ChunkSize)
	}
	conns := int(min(int64(o.Connections), n))
	var mu sync.Mutex // guards sent, first
	var sent int64
	var first error
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			s, err := c.sendChunks(ctx, id, f, chunks, o, p)
			mu.Lock()
			sent += s
			if err != nil && first == nil {
				first = err
				cancel()
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = context.Cause(ctx)
	}
	return sent, first
}

// sendChunks is one connection of sendRanges: it sends the chunks it takes, at most
// o.Window awaiting their reply.
func (c *Client) sendChunks(ctx context.Context, id string, f io.ReaderAt, chunks <-chan ByteRange, o UploadOptions, p *uploadProgress) (sent int64, err error) {
	uc, err := c.OpenUpload(ctx, id)
	if err != nil {
		return 0, err
	}
	defer uc.Close()
	buf := make([]byte, o.ChunkSize)
	var queue []*Pending
	var lengths []int64
	wait := func() error {
		r, err := queue[0].Wait()
		n := lengths[0]
		queue, lengths = queue[1:], lengths[1:]
		if err != nil {
			return err
		}
		ack, err := ChunkAckOf(r)
		if err != nil {
			return err
		}
		sent += n
		p.received(ack.Received)
		return nil
	}
	for r := range chunks {
		for len(queue) >= o.Window {
			if err := wait(); err != nil {
				return sent, err
			}
		}
		b := buf[:r.Len()]
		if _, err := f.ReadAt(b, r.From); err != nil {
			return sent, fmt.Errorf("reading bytes %d-%d: %w", r.From, r.To, err)
		}
		queue = append(queue, uc.Send(r.From, b))
		lengths = append(lengths, r.Len())
	}
	for len(queue) > 0 {
		if err := wait(); err != nil {
			return sent, err
		}
	}
	return sent, ctx.Err()
}
