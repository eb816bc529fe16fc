package rpcapi

import (
	"log/slog"
	"strings"

	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wsconn"
	"github.com/symscore/symscore/protocol"
)

// Path is the endpoint's path.
const Path = "/symetry/ws/rpc"

// MaxHelloBytes bounds a message before authentication (a hello is a few hundred bytes;
// wslink's client sends it in one chunk).
const MaxHelloBytes = 64 << 10

// InlineMaxBytes bounds the messages of predict and predict_matrix answered on the reader
// goroutine (larger ones go to a goroutine of their own, so that they do not hold up the
// connection's other calls).
const InlineMaxBytes = 1 << 20

// Options are what the endpoint is made of.
type Options struct {
	Service *ops.Service
	Metrics *metrics.Set
	// Inflight is the limiter of requests in flight (limits.max_inflight) shared with the
	// other transports; a call takes a slot while it works.
	Inflight *admit.Limiter
	// Unverified is the budget of bytes held before authentication
	// (limits.max_unverified_bytes): messages reassembled before a hello count against it.
	Unverified *admit.Budget
	// MaxMessageBytes bounds a message (limits.max_message_bytes): one reassembled from
	// chunks, the chunks being reassembled together, a 1.x message's attachments.
	MaxMessageBytes int64
	// MaxChunkBytes is the largest chunk the client may send (limits.max_frame_bytes): the
	// hello's maxMsgSize.
	MaxChunkBytes int64
	// RPCInflight is limits.rpc_inflight, the calls of one connection in flight at once.
	RPCInflight int
	Log         *slog.Logger
}

// endpoint serves Path. Safe for concurrent use: its fields are set once.
type endpoint struct {
	o   Options
	svc *ops.Service
	m   map[string]*metrics.Endpoint // by method; "rpc" for the rest
}

// NewEndpoint makes the endpoint.
func NewEndpoint(o Options) wsconn.Endpoint {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	e := &endpoint{o: o, svc: o.Service, m: make(map[string]*metrics.Endpoint, len(methods)+1)}
	answers := []protocol.Status{protocol.StatusOK, protocol.StatusBadRequest, protocol.StatusServiceUnavailable}
	for name, m := range methods {
		st := answers
		if m.conflict {
			st = append(st[:len(st):len(st)], protocol.StatusConflict)
		}
		e.m[name] = o.Metrics.Endpoint(m.label, st...)
	}
	// The hellos and the unknown methods: a failed signature is UNAUTHORIZED, a replayed
	// hello CONFLICT.
	e.m[""] = o.Metrics.Endpoint("rpc", append(answers, protocol.StatusUnauthorized, protocol.StatusConflict)...)
	return e
}

// NewSession implements wsconn.Endpoint.
func (e *endpoint) NewSession(p wsconn.Peer) wsconn.Session { return newSession(e, p) }

// metricLabel is the endpoint label of a method's metrics: symscore.model.info is
// rpc_model_info.
func metricLabel(method string) string {
	return "rpc_" + strings.ReplaceAll(strings.TrimPrefix(method, "symscore."), ".", "_")
}
