package wsapi

import (
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/protocol"
)

// The endpoints' paths.
const (
	PathLearn   = "/symetry/ws/learn"
	PathForget  = "/symetry/ws/forget"
	PathPredict = "/symetry/ws/predict"
	PathUpload  = "/symetry/ws/upload"
)

// kind is which operation an endpoint runs.
type kind uint8

const (
	learn kind = iota
	forget
	predict
	uploadChunks // binary chunks of an upload (upload.go)
)

// Options are what the endpoints share.
type Options struct {
	Service *ops.Service
	Metrics *metrics.Set
	// SignedFramesOnly refuses bare session frames: every message must be signed
	// (auth.signed_frames_only).
	SignedFramesOnly bool
}

// endpoint serves one of the three paths. Safe for concurrent use: its fields are set once.
type endpoint struct {
	kind       kind
	label      string // the metric label: "ws_learn", "ws_forget", "ws_predict"
	svc        *ops.Service
	signedOnly bool
	m          *metrics.Endpoint
	wantKeys   int        // extraKeys: [pid] or [pid, modelId]
	keysErr    error      // the refusal of missing or wrong extraKeys, saying what to send
	replay     replayRule // signed changes are refused when replayed; reads with auth.replay_predict
}

// Endpoints returns the endpoints by path: learn, forget, predict, subscribe and upload.
func Endpoints(o Options) map[string]wsconn.Endpoint {
	changeHelp := `extraKeys must be [projectId] on /symetry/ws/learn and /symetry/ws/forget (once per connection; empty later)`
	mk := func(k kind, label string, keys int, help string) *endpoint {
		// What a message can be answered: OK, a refusal of its content, of its signature,
		// of a replay or a frozen project, of a limit or of durability.
		m := o.Metrics.Endpoint(label, protocol.StatusOK, protocol.StatusBadRequest, protocol.StatusUnauthorized,
			protocol.StatusConflict, protocol.StatusServiceUnavailable)
		replay := replayChange
		if k == predict {
			replay = replayRead
		}
		return &endpoint{kind: k, label: label, svc: o.Service, signedOnly: o.SignedFramesOnly, m: m,
			wantKeys: keys, keysErr: protocol.Errorf(protocol.StatusBadRequest, "%s", help), replay: replay}
	}
	return map[string]wsconn.Endpoint{
		PathSubscribe: newSubscribeEndpoint(o),
		PathLearn:     mk(learn, "ws_learn", 1, changeHelp),
		PathForget:    mk(forget, "ws_forget", 1, changeHelp),
		PathPredict: mk(predict, "ws_predict", 2,
			`extraKeys must be [projectId, modelId] on /symetry/ws/predict (once per connection; empty later)`),
		PathUpload: mk(uploadChunks, "ws_upload", 1, `extraKeys must be [uploadId] on /symetry/ws/upload`),
	}
}

// NewSession implements wsconn.Endpoint.
func (e *endpoint) NewSession(p wsconn.Peer) wsconn.Session {
	return &session{e: e, b: binding{info: p.Info(), signedOnly: e.signedOnly, wantKeys: e.wantKeys, keysErr: e.keysErr, replay: e.replay}, peer: p}
}
