package client

import (
	"context"
	"encoding/json"
	"fmt"

	"time"
)

// Bulk uploads (docs/uploads.md): AnnounceUpload, then chunks over one or more
// UploadConns, UploadStatus for what is still missing, FinalizeUpload for the job that
// learns the file; Upload (upload_file.go) does all of it for a file on disk.

// ByteRange is a half-open range [From, To) of a file's bytes.
type ByteRange struct{ From, To int64 }

// Len is the range's length.
func (r ByteRange) Len() int64 { return r.To - r.From }

// MarshalJSON writes the range as the server does: [from,to].
func (r ByteRange) MarshalJSON() ([]byte, error) { return json.Marshal([2]int64{r.From, r.To}) }

// UnmarshalJSON reads [from,to].
func (r *ByteRange) UnmarshalJSON(b []byte) error {
	var v [2]int64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	r.From, r.To = v[0], v[1]
	return nil
}

// Announced is what an announce answers.
type Announced struct {
	// ID is the upload's id.
	ID string
	// ChunkSize is the chunk size the server suggests (any size up to its
	// limits.max_frame_bytes is taken).
	ChunkSize int
	// Expires is when the upload expires unless it receives a chunk before.
	Expires time.Time
	// Node and NodeID name, on a cluster, the node that holds the upload (its public_url,
	// when configured, and its node id): its chunks, status and finalize go there.
	Node, NodeID string
}

// AnnounceUpload announces a CSV file of size bytes, called name, for project pid; the
// server reserves its room at once.
func (c *Client) AnnounceUpload(ctx context.Context, pid, name string, size int64) (*Announced, error) {
	body, _ := json.Marshal(map[string]any{"pid": pid, "name": name, "size": size, "format": "csv"})
	r, err := c.Call(ctx, "POST", "/uploads", "", body)
	if err != nil {
		return nil, err
	}
	var v struct {
		UploadID  string `json:"uploadId"`
		ChunkSize int    `json:"chunkSize"`
		Expires   string `json:"expires"`
		Node      string `json:"node"`
		NodeID    string `json:"nodeId"`
	}
	if err := json.Unmarshal(r.Values, &v); err != nil || v.UploadID == "" {
		return nil, fmt.Errorf("announce: reply values %s: %v", clip(r.Values), err)
	}
	a := &Announced{ID: v.UploadID, ChunkSize: v.ChunkSize, Node: v.Node, NodeID: v.NodeID}
	a.Expires, _ = time.Parse(time.RFC3339Nano, v.Expires)
	return a, nil
}

// UploadStatus is what the server says of an upload (GET /uploads/{id}).
type UploadStatus struct {
	ID       string `json:"uploadId"`
	PID      string `json:"pid"`
	Name     string `json:"name"`
	Size     int64  `json:"size"`
	Received int64  `json:"received"`
	Complete bool   `json:"complete"`
	// Missing lists at most 100 ranges not yet received, in order.
	Missing []ByteRange `json:"missing"`
	// State is "receiving", "finalizing", "done", "failed" or "expired".
	State string `json:"state"`
	// Expires is when an unfinished upload expires (moved by every chunk), or when a
	// finished one is forgotten.
	Expires time.Time `json:"expires"`
	// Job is the id of the last finalize job.
	Job string `json:"job"`
	// RowsApplied and RowsSkipped once done; Error is a failed finalize's message.
	RowsApplied int64  `json:"rowsApplied"`
	RowsSkipped int64  `json:"rowsSkipped"`
	Error       string `json:"error"`
	// Node and NodeID: as Announced's.
	Node   string `json:"node"`
	NodeID string `json:"nodeId"`
}

// UploadStatus returns the status of upload id.
func (c *Client) UploadStatus(ctx context.Context, id string) (*UploadStatus, error) {
	r, err := c.Call(ctx, "GET", "/uploads/"+Escape(id), "", nil)
	if err != nil {
		return nil, err
	}
	var st UploadStatus
	if err := json.Unmarshal(r.Values, &st); err != nil {
		return nil, fmt.Errorf("upload status: %w", err)
	}
	return &st, nil
}

// ListUploads returns the customer's uploads, oldest first.
func (c *Client) ListUploads(ctx context.Context) ([]UploadStatus, error) {
	r, err := c.Call(ctx, "GET", "/uploads", "", nil)
	if err != nil {
		return nil, err
	}
	var v struct {
		Uploads []UploadStatus `json:"uploads"`
	}
	if err := json.Unmarshal(r.Values, &v); err != nil {
		return nil, fmt.Errorf("upload list: %w", err)
	}
	return v.Uploads, nil
}

// DeleteUpload discards upload id and its file.
func (c *Client) DeleteUpload(ctx context.Context, id string) error {
	_, err := c.Call(ctx, "DELETE", "/uploads/"+Escape(id), "", nil)
	return err
}

// FinalizeOptions say what finalize does with the file.
type FinalizeOptions struct {
	// Forget removes the rows instead of learning them.
	Forget bool
	// Types is one type code per column, comma-separated ("C,C,T,B"); empty: the server
	// infers them from the whole file (the project's types for the columns it knows).
	Types string
	// ErrorHandling 1 skips bad rows and counts them; 0 (the default) fails at the first
	// bad cell, with its line and column, changing nothing.
	ErrorHandling int
}

// FinalizeUpload starts the job that learns (or forgets) the whole file of upload id as
// one change. A *StatusError CONFLICT whose Values hold "missing" is an incomplete
// upload (MissingRanges reads them).
func (c *Client) FinalizeUpload(ctx context.Context, id string, o FinalizeOptions) (*Job, error) {
	op := "learn"
	if o.Forget {
		op = "forget"
	}
	body, _ := json.Marshal(map[string]any{"op": op, "types": o.Types, "errorHandling": o.ErrorHandling})
	r, err := c.Call(ctx, "POST", "/uploads/"+Escape(id)+"/finalize", "", body)
	if err != nil {
		return nil, err
	}
	return c.jobOf(r)
}

// MissingRanges reads the ranges an incomplete upload's finalize refusal lists; nil when
// err is not such a refusal.
func MissingRanges(err error) []ByteRange {
	se, ok := err.(*StatusError)
	if !ok || len(se.Values) == 0 {
		return nil
	}
	var v struct {
		Missing []ByteRange `json:"missing"`
	}
	if json.Unmarshal(se.Values, &v) != nil {
		return nil
	}
	return v.Missing
}

// JobStatus is a job's state: running, with a finalize's progress, or finished, with a
// finalize's rows. A failed job is a *StatusError from JobStatus.
type JobStatus struct {
	Running bool
	// Bytes and Rows are what a running finalize has read and summarised; Fraction its
	// whole work done, 0 to 1; Phase "inferring", "learning" or "applying".
	Bytes, Rows int64
	Fraction    float64
	Phase       string
	// RowsApplied and RowsSkipped are a finished finalize's rows.
	RowsApplied, RowsSkipped int64
}

// JobStatus asks once for job's state.
func (c *Client) JobStatus(ctx context.Context, job *Job) (*JobStatus, error) {
	r, err := c.send(ctx, "GET", job.Location, "", nil)
	if err != nil {
		return nil, err
	}
	var v struct {
		Progress *struct {
			Bytes    int64   `json:"bytes"`
			Rows     int64   `json:"rows"`
			Fraction float64 `json:"fraction"`
			Phase    string  `json:"phase"`
		} `json:"progress"`
		RowsApplied int64 `json:"rowsApplied"`
		RowsSkipped int64 `json:"rowsSkipped"`
	}
	if err := json.Unmarshal(r.Values, &v); err != nil {
		return nil, fmt.Errorf("job %s: %w", job.Location, err)
	}
	js := &JobStatus{Running: r.HTTPCode == 202, RowsApplied: v.RowsApplied, RowsSkipped: v.RowsSkipped}
	if p := v.Progress; p != nil {
		js.Bytes, js.Rows, js.Fraction, js.Phase = p.Bytes, p.Rows, p.Fraction, p.Phase
	}
	if !js.Running {
		js.Fraction = 1
	}
	return js, nil
}

// WaitJobProgress polls job every pause (at least 10ms) until it is finished, calling
// progress (when not nil) with each state, and returns the last one; a failed job is its
// *StatusError.
func (c *Client) WaitJobProgress(ctx context.Context, job *Job, pause time.Duration, progress func(*JobStatus)) (*JobStatus, error) {
	pause = max(pause, 10*time.Millisecond)
	for {
		js, err := c.JobStatus(ctx, job)
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(js)
		}
		if !js.Running {
			return js, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("job %s still running: %w", job.Location, context.Cause(ctx))
		case <-time.After(pause):
		}
	}
}
