package cluster

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// maxJobIDBytes bounds a job id looked up in the bucket (the server's are 26 bytes).
const maxJobIDBytes = 64

// Jobs is the key-value bucket of build jobs ("<stream>_JOBS"): the node that runs a job
// writes its state when it starts and when it ends, and every node reads it, so that any
// node answers GET /jobs/{id}. A record lives Options.JobRetention after its last write.
// Keys are the customer id in hex and the job id: a customer reads only its own jobs. Safe
// for concurrent use.
type Jobs struct {
	kv      jetstream.KeyValue
	timeout time.Duration
	node    string
}

// JobRecord is a job's state in the bucket.
type JobRecord struct {
	// Done is false while the job runs.
	Done bool `json:"done"`
	// Status and Msg are the outcome (a wire status name and its message) once Done.
	Status string `json:"status,omitempty"`
	Msg    string `json:"msg,omitempty"`
	// Node is the node that runs the job.
	Node string `json:"node"`
	// Applied and Skipped are a finished upload finalize's rows (HasRows set); a build has
	// none.
	HasRows bool  `json:"hasRows,omitempty"`
	Applied int64 `json:"applied,omitempty"`
	Skipped int64 `json:"skipped,omitempty"`
}

// JobsBucket is the name of the jobs bucket of a stream.
func JobsBucket(stream string) string { return stream + "_JOBS" }

func openJobs(ctx context.Context, js jetstream.JetStream, o *Options) (*Jobs, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      JobsBucket(o.Stream),
		Description: "symscore: build jobs",
		History:     1,
		TTL:         o.JobRetention,
		Storage:     jetstream.FileStorage,
		Replicas:    o.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: cannot open the jobs bucket %s: %w", JobsBucket(o.Stream), err)
	}
	return &Jobs{kv: kv, timeout: o.Timeout, node: o.NodeID}, nil
}

// jobKey is the key of customer cid's job id, or "" for an id that cannot be one.
func jobKey(cid, id string) string {
	if id == "" || len(id) > maxJobIDBytes {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z') {
			return ""
		}
	}
	return hex.EncodeToString([]byte(cid)) + "." + id
}

// Put writes the state of customer cid's job id, this node's.
func (j *Jobs) Put(cid, id string, rec JobRecord) error {
	key := jobKey(cid, id)
	if key == "" {
		return fmt.Errorf("cluster: %q is not a job id", id)
	}
	rec.Node = j.node
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), j.timeout)
	defer cancel()
	if _, err := j.kv.Put(ctx, key, data); err != nil {
		return fmt.Errorf("cluster: cannot write job %s: %w", id, err)
	}
	return nil
}

// Get reads the state of customer cid's job id; found is false for a job the bucket does
// not hold (never started, expired, or another customer's).
func (j *Jobs) Get(cid, id string) (rec JobRecord, found bool, err error) {
	key := jobKey(cid, id)
	if key == "" {
		return rec, false, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), j.timeout)
	defer cancel()
	e, err := j.kv.Get(ctx, key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return rec, false, nil
	case err != nil:
		return rec, false, fmt.Errorf("cluster: cannot read job %s: %w", id, err)
	}
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return rec, false, fmt.Errorf("cluster: job %s: %w", id, err)
	}
	return rec, true, nil
}
