package restapi

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/admit"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/metrics"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/reply"
	"github.com/symscore/symscore/protocol"
)

// Options are a Handler's dependencies.
type Options struct {
	Service    *ops.Service
	Metrics    *metrics.Set
	Inflight   *admit.Limiter // shared with the WebSocket endpoints
	Unverified *admit.Budget  // shared with the WebSocket endpoints
	// MaxBody is limits.max_message_bytes; ReadTimeout (limits.idle_timeout) bounds
	// receiving a whole body, WriteTimeout (limits.write_timeout) writing a reply.
	MaxBody                   int64
	ReadTimeout, WriteTimeout time.Duration
	// Upgrade, when set, is offered every request first: it takes over a WebSocket upgrade
	// sent on a connection that carried REST requests before, and reports whether it did.
	Upgrade func(w http.ResponseWriter, r *http.Request) bool
	Log     *slog.Logger
	// TLS says the requests come through TLS (the scheme of the signed request is https).
	TLS bool
}

// Handler serves the REST control plane.
type Handler struct {
	o       Options
	svc     *ops.Service
	m       [numRESTOps]*metrics.Endpoint
	refused struct{ body, read, inflight, unverified prometheus.Counter }
}

// NewHandler makes the handler.
func NewHandler(o Options) *Handler {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{o: o, svc: o.Service}
	for op, name := range restOpNames {
		h.m[op] = o.Metrics.Endpoint("rest_"+name, restOp(op).statuses()...)
	}
	h.refused.body = o.Metrics.Refusal(metrics.LimitMaxMessageBytes)
	h.refused.read = o.Metrics.Refusal(metrics.LimitIdleTimeout)
	h.refused.inflight = o.Metrics.Refusal(metrics.LimitMaxInflight)
	h.refused.unverified = o.Metrics.Refusal(metrics.LimitUnverifiedBytes)
	return h
}

// call is one request being served. Valid for the duration of ServeHTTP only.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	m       restMatch
	rawPath string
	query   url.Values
	cust    ops.Customer
	sc      *ops.Scratch
	bodyBuf *[]byte      // pooled
	body    []byte       // the request body as received
	outBuf  *[]byte      // pooled
	out     []byte       // the reply envelope
	code    int          // HTTP code when it is not the status' (404, 405); 0 otherwise
	charged int64        // bytes of limits.max_unverified_bytes the body holds until verified
	refused *ops.Refusal // the refusal answered, if any (for the log)
	tls     bool         // the request came through TLS
}

// aLongTimeAgo is a deadline in the past: it ends a read at once.
var aLongTimeAgo = time.Unix(1, 0)

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.o.Upgrade != nil && h.o.Upgrade(w, r) {
		return
	}
	start := time.Now()
	c := &call{w: w, r: r, rawPath: RequestPath(r), bodyBuf: bufpool.Get(readChunk), outBuf: bufpool.Get(readChunk), tls: h.o.TLS}
	c.m = matchREST(r.Method, c.rawPath)
	c.body, c.out = (*c.bodyBuf)[:0], (*c.outBuf)[:0]
	st := h.serve(c)
	c.write(st, h.o.WriteTimeout)
	took := time.Since(start)
	h.m[c.m.op].Done(st, took)
	if c.refused != nil && c.refused.Reason != "" {
		h.svc.LogRefusal(c.refused, c.caller())
	}
	if h.svc.DebugEnabled() {
		h.svc.LogRequest(c.caller(), c.pid(), st, took)
	}
	*c.bodyBuf, *c.outBuf = c.body[:0], c.out[:0]
	putSmall(c.bodyBuf)
	putSmall(c.outBuf)
}

// maxPooledBuf is the largest body or reply buffer given back to the pool: a rare huge
// body or reply is left to the garbage collector rather than kept by an idle pool.
const maxPooledBuf = 1 << 20

func putSmall(bp *[]byte) {
	if cap(*bp) <= maxPooledBuf+bufpool.Slack {
		bufpool.Put(bp) // (a buffer grown by append past its class is dropped there)
	}
}

// serve runs a routed request through the headers, body, inflight, verification and its
// operation, and returns the reply's status; c.out holds the reply.
func (h *Handler) serve(c *call) protocol.Status {
	if c.m.op == opNoRoute {
		return c.noRoute()
	}
	// Nothing of the body is read before the headers alone could be checked; the body then
	// counts against limits.max_unverified_bytes until its signature is checked. The
	// in-flight slot is taken once the body is in: a client that stalls its body holds no
	// slot (the budget and the idle timeout bound it).
	c.sc = h.svc.Scratch()
	defer h.svc.Release(c.sc)
	req := c.request()
	if err := c.sc.CheckRESTHeaders(&req); err != nil {
		c.dropBody()
		return c.refuse(h.svc.Refuse(err))
	}
	st, ok := h.readBody(c)
	defer func() { h.o.Unverified.Release(c.charged) }()
	if !ok {
		return st
	}
	if !h.o.Inflight.Acquire(nil) {
		h.refused.inflight.Inc()
		return c.failf(protocol.StatusServiceUnavailable, "server busy: too many requests in flight (limits.max_inflight); retry")
	}
	defer h.o.Inflight.Release()
	if r := h.verify(c); r != nil {
		return c.refuse(r)
	}
	h.o.Unverified.Release(c.charged)
	c.charged = 0
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return c.failf(protocol.StatusBadRequest, "query %s is not a valid URL query", ops.QuoteInput(c.r.URL.RawQuery))
	}
	c.query = q
	return h.dispatch(c)
}

// readChunk is the first body buffer's size; it doubles as bytes arrive.
const readChunk = 4 << 10

// readBody reads the whole body into c.body: at most MaxBody bytes, within ReadTimeout.
// A refused body ends the connection: nothing more is read from it (net/http would
// otherwise try to drain the rest of the body after the reply).
func (h *Handler) readBody(c *call) (protocol.Status, bool) {
	r := c.r
	rc := http.NewResponseController(c.w)
	refuse := func(counter prometheus.Counter, st protocol.Status, format string, args ...any) (protocol.Status, bool) {
		if counter != nil {
			counter.Inc()
		}
		c.w.Header().Set("Connection", "close")
		rc.SetReadDeadline(aLongTimeAgo)
		return c.failf(st, format, args...), false
	}
	maxBody := h.o.MaxBody
	if r.ContentLength > maxBody {
		return refuse(h.refused.body, protocol.StatusBadRequest, "request body of %d bytes is larger than limits.max_message_bytes (%d)", r.ContentLength, maxBody)
	}
	// The buffer grows only as bytes arrive (at most doubling what is in hand): a client
	// announcing a large body and sending nothing costs no more than what it sent, and the
	// bytes charged to limits.max_unverified_bytes are at least half of what is allocated.
	rc.SetReadDeadline(time.Now().Add(h.o.ReadTimeout))
	body := http.MaxBytesReader(c.w, r.Body, maxBody)
	for {
		if len(c.body) == cap(c.body) {
			*c.bodyBuf = c.body
			c.bodyBuf = bufpool.Grow(c.bodyBuf, 2*cap(c.body))
			c.body = *c.bodyBuf
		}
		n, err := body.Read(c.body[len(c.body):cap(c.body)])
		c.body = c.body[:len(c.body)+n]
		if !h.o.Unverified.Charge(int64(n)) {
			return refuse(h.refused.unverified, protocol.StatusServiceUnavailable, "server busy: too many unverified request bytes in flight (limits.max_unverified_bytes); retry")
		}
		c.charged += int64(n)
		if err == nil {
			continue
		}
		var tooLarge *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			rc.SetReadDeadline(time.Time{})
			return 0, true
		case errors.As(err, &tooLarge):
			return refuse(h.refused.body, protocol.StatusBadRequest, "request body is larger than limits.max_message_bytes (%d)", maxBody)
		case isTimeout(err):
			return refuse(h.refused.read, protocol.StatusBadRequest, "request body not received within limits.idle_timeout (%v)", h.o.ReadTimeout)
		default:
			return refuse(nil, protocol.StatusBadRequest, "cannot read the request body")
		}
	}
}

// verify checks Customer-ID and the signature, and sets c.cust; it returns the refusal of
// a request that does not verify.
func (h *Handler) verify(c *call) *ops.Refusal {
	if id := c.r.Header.Get("Customer-ID"); id != "" && id != c.m.cid {
		return h.svc.RefuseAuth(ops.ReasonCrossTenant, protocol.Errorf(protocol.StatusUnauthorized,
			"Customer-ID header %s is not the customer of the path", ops.QuoteInput(id)))
	}
	req := c.request()
	req.Body = c.body
	cust, err := c.sc.VerifyREST(&req)
	if err != nil {
		return h.svc.Refuse(err)
	}
	c.cust = cust
	return nil
}

// dropBody is for a request refused before its body was read: the connection closes after
// the reply, and net/http does not wait for the body before sending it.
func (c *call) dropBody() {
	if c.r.ContentLength != 0 {
		c.w.Header().Set("Connection", "close")
		http.NewResponseController(c.w).SetReadDeadline(aLongTimeAgo)
	}
}

// request is the signed request c carries (its body not yet set).
func (c *call) request() auth.RESTRequest {
	hd := c.r.Header
	scheme := "http"
	if c.tls {
		scheme = "https"
	}
	return auth.RESTRequest{
		Method: c.r.Method, Date: hd.Get("sym-date"), MD5: hd.Get("Content-MD5"),
		Signature: hd.Get("Authorization"), CID: c.m.cid,
		Path: c.rawPath, RawQuery: c.r.URL.RawQuery, Scheme: scheme, Host: c.r.Host,
		Change: c.m.op.changes(),
	}
}

// RequestPath is the request's path exactly as sent (still escaped): what the client
// signed.
func RequestPath(r *http.Request) string {
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	return r.URL.EscapedPath()
}

// noRoute answers a path no route has (404) or a method the path does not take (405).
func (c *call) noRoute() protocol.Status {
	if len(c.m.allow) > 0 {
		c.code = http.StatusMethodNotAllowed
		c.w.Header().Set("Allow", strings.Join(c.m.allow, ", "))
		return c.failf(protocol.StatusBadRequest, "method %s is not allowed on %s (allowed: %s)", ops.QuoteInput(c.r.Method), ops.QuoteInput(c.rawPath), strings.Join(c.m.allow, ", "))
	}
	c.code = http.StatusNotFound
	return c.failf(protocol.StatusBadRequest, "no endpoint %s %s (see docs/protocol.md section 2)", ops.QuoteInput(c.r.Method), ops.QuoteInput(c.rawPath))
}

// refuse answers r.
func (c *call) refuse(r *ops.Refusal) protocol.Status {
	c.refused = r
	c.out = reply.AppendRefusal(c.out[:0], r)
	return r.Status
}

// caller names the request's sender for the log: the customer of its path, verified or
// not.
func (c *call) caller() ops.Caller {
	return ops.Caller{Remote: c.r.RemoteAddr, Endpoint: "rest_" + restOpNames[c.m.op], CID: c.m.cid}
}

// pid is the project the request names, for the log ("" for a list, a job, no route).
func (c *call) pid() string {
	switch c.m.op {
	case opCreate:
		return c.r.URL.Query().Get("pid")
	case opList, opJob, opNoRoute:
		return ""
	}
	return c.param(0)
}

// failf answers st with a formatted message, which must quote client input only through
// ops.QuoteInput.
func (c *call) failf(st protocol.Status, format string, args ...any) protocol.Status {
	c.out = reply.AppendStatus(c.out[:0], st, fmt.Sprintf(format, args...))
	return st
}

// ok answers OK with empty values.
func (c *call) ok() protocol.Status {
	c.out = reply.AppendOK(c.out[:0])
	return protocol.StatusOK
}

// write sends the reply in c.out with st's HTTP code (or c.code).
func (c *call) write(st protocol.Status, timeout time.Duration) {
	hd := c.w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Length", strconv.Itoa(len(c.out)))
	code := st.HTTPCode()
	if c.code != 0 {
		code = c.code
	}
	http.NewResponseController(c.w).SetWriteDeadline(time.Now().Add(timeout))
	c.w.WriteHeader(code)
	c.w.Write(c.out) // a client that hung up needs no answer
}

// param returns a wildcard segment of the path: 0 the project id (or job id), 1 the model id.
func (c *call) param(i int) string { return c.m.args[i] }
