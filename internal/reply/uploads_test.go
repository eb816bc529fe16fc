package reply

import (
	"testing"
	"time"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/upload"
	"github.com/symscore/symscore/protocol"
)

// TestUploadReplies pins the replies of uploads and jobs, key by key.
func TestUploadReplies(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	st := upload.Status{Description: upload.Description{ID: "U1", CID: "c1", PID: "p", Name: `a "b".csv`, Size: 100},
		Received: 60, Missing: []upload.Range{{From: 0, To: 30}, {From: 90, To: 100}}, State: upload.Receiving, Expires: at}
	done := st
	done.Received, done.Complete, done.Missing, done.State, done.Job, done.Rows, done.Skipped = 100, true, nil, upload.Done, "J1", 7, 2
	failed := done
	failed.State, failed.Msg = upload.Failed, `f.csv:3:2: column "x": "a" is not a number`
	onNode := st
	onNode.Node, onNode.NodeID = "https://b.example", "b"
	noURL := st
	noURL.NodeID = "b"
	for _, c := range []struct{ got, want string }{
		{string(AppendAnnounce(nil, st)), `{"statusCode":"CREATED","statusString":"CREATED","values":{"uploadId":"U1","chunkSize":131072,"expires":"2026-01-02T03:04:05.000000006Z"}}`},
		{string(AppendUpload(nil, st)), `{"statusCode":"OK","statusString":"OK","values":{"uploadId":"U1","pid":"p","name":"a \"b\".csv","size":100,"received":60,"complete":false,"missing":[[0,30],[90,100]],"state":"receiving","expires":"2026-01-02T03:04:05.000000006Z","job":""}}`},
		{string(AppendUpload(nil, done)), `{"statusCode":"OK","statusString":"OK","values":{"uploadId":"U1","pid":"p","name":"a \"b\".csv","size":100,"received":100,"complete":true,"missing":[],"state":"done","expires":"2026-01-02T03:04:05.000000006Z","job":"J1","rowsApplied":7,"rowsSkipped":2}}`},
		{string(AppendUpload(nil, failed)), `{"statusCode":"OK","statusString":"OK","values":{"uploadId":"U1","pid":"p","name":"a \"b\".csv","size":100,"received":100,"complete":true,"missing":[],"state":"failed","expires":"2026-01-02T03:04:05.000000006Z","job":"J1","error":"f.csv:3:2: column \"x\": \"a\" is not a number"}}`},
		{string(AppendAnnounce(nil, onNode)), `{"statusCode":"CREATED","statusString":"CREATED","values":{"uploadId":"U1","chunkSize":131072,"expires":"2026-01-02T03:04:05.000000006Z","node":"https://b.example","nodeId":"b"}}`},
		{string(AppendUpload(nil, noURL)), `{"statusCode":"OK","statusString":"OK","values":{"uploadId":"U1","pid":"p","name":"a \"b\".csv","size":100,"received":60,"complete":false,"missing":[[0,30],[90,100]],"state":"receiving","expires":"2026-01-02T03:04:05.000000006Z","job":"","nodeId":"b"}}`},
		{string(AppendUploads(nil, nil)), `{"statusCode":"OK","statusString":"OK","values":{"uploads":[]}}`},
		{string(AppendUploadBound(nil, st)), `{"statusCode":"OK","statusString":"OK","values":{"uploadId":"U1","size":100,"received":60}}`},
		{string(AppendChunk(nil, ops.ChunkResult{Position: 131072, Length: 5, Received: 131077})), `{"statusCode":"OK","statusString":"OK","values":{"position":131072,"length":5,"received":131077}}`},
		{string(AppendRefusal(nil, &ops.Refusal{Status: protocol.StatusConflict, Msg: "incomplete", Missing: [][2]int64{{0, 10}, {40, 100}}})),
			`{"statusCode":"CONFLICT","statusString":"incomplete","values":{"missing":[[0,10],[40,100]]}}`},
		{string(AppendJob(nil, ops.JobState{Status: protocol.StatusAccepted, Msg: "Job still running"})), `{"statusCode":"ACCEPTED","statusString":"Job still running","values":{}}`},
		{string(AppendJob(nil, ops.JobState{Status: protocol.StatusAccepted, Msg: "Job still running", Progress: &ops.JobProgress{Bytes: 10, Rows: 2, Fraction: 0.25, Phase: "learning"}})),
			`{"statusCode":"ACCEPTED","statusString":"Job still running","values":{"progress":{"bytes":10,"rows":2,"fraction":0.25,"phase":"learning"}}}`},
		{string(AppendJob(nil, ops.JobState{Done: true, Status: protocol.StatusOK, Msg: "Job is finished", Rows: &ops.JobRows{Applied: 3, Skipped: 1}})),
			`{"statusCode":"OK","statusString":"Job is finished","values":{"rowsApplied":3,"rowsSkipped":1}}`},
	} {
		if c.got != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
}

// TestChunkReplyAllocs: a chunk's reply allocates nothing.
func TestChunkReplyAllocs(t *testing.T) {
	testenv.SkipAllocs(t)
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() {
		buf = AppendChunk(buf[:0], ops.ChunkResult{Position: 1 << 40, Length: 131072, Received: 1 << 41})
	}); n != 0 {
		t.Fatalf("AppendChunk allocates %v times", n)
	}
}
