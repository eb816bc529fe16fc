package reply

import (
	"strconv"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/upload"
	"github.com/symscore/symscore/protocol"
)

// The replies of bulk uploads (docs/uploads.md).

// AppendAnnounce appends the CREATED reply of an announce:
// values {"uploadId","chunkSize","expires"}.
func AppendAnnounce(dst []byte, st upload.Status) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusCreated, "CREATED")
	o := openObject(dst)
	o.str("uploadId", st.ID)
	o.int("chunkSize", ops.UploadChunkSize)
	o.str("expires", FormatDate(st.Expires))
	appendNode(&o, st)
	return protocol.AppendEnvelopeClose(o.close())
}

// appendNode adds, on a cluster node, "node" (its public_url, when set) and "nodeId":
// the node that holds the upload's bytes and serves its chunks and finalize.
func appendNode(o *jsonObject, st upload.Status) {
	if st.NodeID == "" {
		return
	}
	if st.Node != "" {
		o.str("node", st.Node)
	}
	o.str("nodeId", st.NodeID)
}

// AppendUpload appends the OK reply of an upload's status: values {"uploadId","pid",
// "name","size","received","complete","missing","state","expires","job"}, plus
// "rowsApplied" and "rowsSkipped" once done and "error" (the job's status string) when
// failed.
func AppendUpload(dst []byte, st upload.Status) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	return protocol.AppendEnvelopeClose(appendUpload(dst, st))
}

// AppendUploads appends the OK reply of a customer's uploads: values {"uploads":[...]},
// each as AppendUpload's values.
func AppendUploads(dst []byte, list []upload.Status) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = append(dst, `{"uploads":[`...)
	for i, st := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendUpload(dst, st)
	}
	return protocol.AppendEnvelopeClose(append(dst, "]}"...))
}

func appendUpload(dst []byte, st upload.Status) []byte {
	o := openObject(dst)
	o.str("uploadId", st.ID)
	o.str("pid", st.PID)
	o.str("name", st.Name)
	o.int("size", st.Size)
	o.int("received", st.Received)
	o.bool("complete", st.Complete)
	o.key("missing")
	o.b = appendRanges(o.b, st.Missing)
	o.str("state", st.State.String())
	o.str("expires", FormatDate(st.Expires))
	o.str("job", st.Job)
	switch st.State {
	case upload.Done:
		o.int("rowsApplied", st.Rows)
		o.int("rowsSkipped", st.Skipped)
	case upload.Failed:
		o.str("error", st.Msg)
	}
	appendNode(&o, st)
	return o.close()
}

// appendRanges appends [[from,to],...].
func appendRanges(dst []byte, rs []upload.Range) []byte {
	dst = append(dst, '[')
	for i, r := range rs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		dst = strconv.AppendInt(dst, r.From, 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, r.To, 10)
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

// AppendUploadBound appends the OK reply of the first message on /symetry/ws/upload:
// values {"uploadId","size","received"}.
func AppendUploadBound(dst []byte, st upload.Status) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	o := openObject(dst)
	o.str("uploadId", st.ID)
	o.int("size", st.Size)
	o.int("received", st.Received)
	return protocol.AppendEnvelopeClose(o.close())
}

// AppendChunk appends the OK reply of a chunk: values {"position","length","received"}.
// It allocates nothing.
func AppendChunk(dst []byte, r ops.ChunkResult) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = append(dst, `{"position":`...)
	dst = strconv.AppendInt(dst, r.Position, 10)
	dst = append(dst, `,"length":`...)
	dst = strconv.AppendInt(dst, r.Length, 10)
	dst = append(dst, `,"received":`...)
	dst = strconv.AppendInt(dst, r.Received, 10)
	return protocol.AppendEnvelopeClose(append(dst, '}'))
}

// AppendJob appends the reply of a job's state: its status and message, with values
// {"progress":{"bytes","rows","fraction","phase"}} while a finalize runs and
// {"rowsApplied","rowsSkipped"} once it is done ({} for a build).
func AppendJob(dst []byte, js ops.JobState) []byte {
	if js.Progress == nil && js.Rows == nil {
		return protocol.AppendReply(dst, js.Status, js.Msg)
	}
	dst = protocol.AppendEnvelopeOpen(dst, js.Status, js.Msg)
	o := openObject(dst)
	if p := js.Progress; p != nil {
		po := o.object("progress")
		po.int("bytes", p.Bytes)
		po.int("rows", p.Rows)
		po.num("fraction", p.Fraction)
		po.str("phase", p.Phase)
		o.end(po.close())
	}
	if r := js.Rows; r != nil {
		o.int("rowsApplied", r.Applied)
		o.int("rowsSkipped", r.Skipped)
	}
	return protocol.AppendEnvelopeClose(o.close())
}
