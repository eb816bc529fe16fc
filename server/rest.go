package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/protocol"
)

// The REST control plane (PROTOCOL.md section 2). A request goes through, in order:
//
//	route      the raw path and method against restRoutes: 404 or 405 (an envelope with
//	           statusCode BAD_REQUEST) before anything else
//	body       read once, whole, into a pooled buffer, at most limits.max_message_bytes
//	           (more: 400, counted as a max_message_bytes refusal) within
//	           limits.idle_timeout (else 400, counted as idle_timeout)
//	inflight   a slot of limits.max_inflight, shared with the WebSocket endpoints (none
//	           within inflightWait: 503, counted as max_inflight)
//	verify     Customer-ID (when sent) equal to the path's cid, then the signature over
//	           the exact bytes received (auth.Verifier.VerifyREST; replay refusal for learn
//	           and forget)
//	operation  one handler per restOp, which writes the whole reply envelope
//
// Every reply is JSON in the envelope, HTTP code = its status' HTTPCode (404 and 405 aside),
// counted in symscore_requests_total{endpoint="rest_<op>"} with its latency.

// maxPooledRESTBuf is the largest buffer given back to the pool: a rare huge body or reply
// is left to the garbage collector rather than kept by an idle pool.
const maxPooledRESTBuf = 1 << 20

// restAPI serves the REST control plane. Safe for concurrent use: each request takes its
// own worker and buffers from pools.
type restAPI struct {
	s     *Server
	l     *mainListener
	svc   *service
	jobs  *jobTable
	hooks *connHooks

	inflight     chan struct{} // the main listener's limits.max_inflight semaphore
	inflightWait time.Duration
	maxBody      int64
	readTimeout  time.Duration // the whole body: limits.idle_timeout
	writeTimeout time.Duration // the reply: limits.write_timeout

	bufs    sync.Pool // *restBufs
	metrics restMetrics
	refused struct{ body, read, inflight, builds prometheus.Counter }
}

// restBufs are one request's body and reply buffers.
type restBufs struct{ body, out []byte }

// restCall is one request being served. Valid for the duration of ServeHTTP only.
type restCall struct {
	log     *slog.Logger
	svc     *service
	w       http.ResponseWriter
	r       *http.Request
	m       restMatch
	rawPath string
	query   url.Values
	body    []byte  // the request body as received
	wk      *worker // verifier and DataFrame parser
	out     []byte  // the reply envelope
	code    int     // HTTP code when it is not the status' (404, 405); 0 otherwise
	charged int64   // bytes of limits.max_unverified_bytes the body holds until verified
}

// restHandler serves every request the main listener hands to its REST server: the REST
// control plane, and WebSocket upgrades sent on a connection that carried REST requests
// before (handBackUpgrade). Requests share l's limits.max_inflight semaphore. Build jobs
// still running at shutdown are waited for (a closer registered here) before the store
// closes.
func (s *Server) restHandler(l *mainListener) http.Handler {
	if s.svc == nil {
		return http.NotFoundHandler()
	}
	hooks := hooksFor(s)
	cfg := s.svc.cfg
	a := &restAPI{
		s:            s,
		l:            l,
		svc:          s.svc,
		hooks:        hooks,
		inflight:     l.inflight,
		inflightWait: inflightWait,
		maxBody:      cfg.Limits.MaxMessageBytes,
		readTimeout:  cfg.Limits.IdleTimeout,
		writeTimeout: cfg.Limits.WriteTimeout,
		metrics:      newRESTMetrics(s.svc.metrics),
	}
	if hooks.inflightWait > 0 {
		a.inflightWait = hooks.inflightWait
	}
	now := time.Now
	if hooks.now != nil {
		now = hooks.now
	}
	a.jobs = newJobTable(now, s.goroutine)
	a.refused.body = s.metrics.Refusals.WithLabelValues(limitMaxMessageBytes)
	a.refused.read = s.metrics.Refusals.WithLabelValues(limitIdleTimeout)
	a.refused.inflight = s.metrics.Refusals.WithLabelValues(limitMaxInflight)
	a.refused.builds = s.metrics.Refusals.WithLabelValues(limitRunningBuilds)
	a.bufs.New = func() any { return &restBufs{} }
	s.onShutdown(a.jobs.shutdown)
	hooks.rest.Store(a)
	return a
}

func (a *restAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isUpgradeRequest(r) && a.l.handBackUpgrade(w, r) {
		return
	}
	start := time.Now()
	c := &restCall{log: a.svc.log, svc: a.svc, w: w, r: r, rawPath: requestPath(r)}
	c.m = matchREST(r.Method, c.rawPath)
	bufs := a.bufs.Get().(*restBufs)
	c.body, c.out = bufs.body[:0], bufs.out[:0]
	st := a.serve(c)
	c.write(st, a.writeTimeout)
	a.metrics.done(c.m.op, st, time.Since(start))
	if cap(c.body) <= maxPooledRESTBuf {
		bufs.body = c.body[:0]
	} else {
		bufs.body = nil
	}
	if cap(c.out) <= maxPooledRESTBuf {
		bufs.out = c.out[:0]
	} else {
		bufs.out = nil
	}
	a.bufs.Put(bufs)
}

// serve runs a routed request through body, inflight, verification and its operation, and
// returns the reply's status; c.out holds the reply.
func (a *restAPI) serve(c *restCall) protocol.Status {
	if c.m.op == opNoRoute {
		return c.noRoute()
	}
	// Nothing of the body is read before the headers alone could be checked; the body then
	// counts against limits.max_unverified_bytes until its signature is checked. The
	// in-flight slot is taken once the body is in: a client that stalls its body holds no
	// slot (the budget and the idle timeout bound it).
	c.wk = a.svc.getWorker()
	defer a.svc.putWorker(c.wk)
	req := a.request(c)
	if err := c.wk.ver.CheckRESTHeaders(&req); err != nil {
		c.dropBody()
		return a.refuseAuth(c, &req, err)
	}
	st, ok := a.readBody(c)
	defer func() { a.l.unverified.release(c.charged) }()
	if !ok {
		return st
	}
	if !a.acquire() {
		a.refused.inflight.Inc()
		return c.failf(protocol.StatusServiceUnavailable, "server busy: too many requests in flight (limits.max_inflight); retry")
	}
	defer func() { <-a.inflight }()
	if st, ok := a.verify(c); !ok {
		return st
	}
	a.l.unverified.release(c.charged)
	c.charged = 0
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return c.failf(protocol.StatusBadRequest, "query %s is not a valid URL query", quoteInput(c.r.URL.RawQuery))
	}
	c.query = q
	return a.dispatch(c)
}

func (a *restAPI) dispatch(c *restCall) protocol.Status {
	switch c.m.op {
	case opCreate:
		return a.create(c)
	case opList:
		return a.list(c)
	case opInfo:
		return a.info(c)
	case opDelete:
		return a.deleteProject(c)
	case opLearn:
		return a.learn(c, false)
	case opForget:
		return a.learn(c, true)
	case opBuild:
		return a.build(c)
	case opJob:
		return a.job(c)
	case opModelInfo:
		return a.modelInfo(c)
	case opModelDelete:
		return a.modelDelete(c)
	case opPredict:
		return a.predict(c)
	case opExplore:
		return a.explore(c)
	case opMerge:
		return a.merge(c)
	case opFreeze:
		return a.freeze(c, true)
	case opUnfreeze:
		return a.freeze(c, false)
	case opExport:
		return a.export(c)
	case opImport:
		return a.importProject(c)
	}
	return c.noRoute()
}

// acquire takes a slot of limits.max_inflight, waiting up to inflightWait.
func (a *restAPI) acquire() bool {
	select {
	case a.inflight <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(a.inflightWait)
	defer t.Stop()
	select {
	case a.inflight <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

// readBody reads the whole body into c.body: at most maxBody bytes, within readTimeout.
// A refused body ends the connection: nothing more is read from it (net/http would
// otherwise try to drain the rest of the body after the reply).
func (a *restAPI) readBody(c *restCall) (protocol.Status, bool) {
	r := c.r
	rc := http.NewResponseController(c.w)
	refuse := func(counter prometheus.Counter, format string, args ...any) (protocol.Status, bool) {
		if counter != nil {
			counter.Inc()
		}
		c.w.Header().Set("Connection", "close")
		rc.SetReadDeadline(aLongTimeAgo)
		return c.failf(protocol.StatusBadRequest, format, args...), false
	}
	if r.ContentLength > a.maxBody {
		return refuse(a.refused.body, "request body of %d bytes is larger than limits.max_message_bytes (%d)", r.ContentLength, a.maxBody)
	}
	// The buffer grows only as bytes arrive (at most doubling what is in hand): a client
	// announcing a large body and sending nothing costs no more than what it sent, and the
	// bytes charged to limits.max_unverified_bytes are at least half of what is allocated.
	rc.SetReadDeadline(time.Now().Add(a.readTimeout))
	body := http.MaxBytesReader(c.w, r.Body, a.maxBody)
	for {
		if len(c.body) == cap(c.body) {
			c.body = append(c.body, 0)[:len(c.body)]
		}
		n, err := body.Read(c.body[len(c.body):cap(c.body)])
		c.body = c.body[:len(c.body)+n]
		if !a.l.unverified.charge(int64(n)) {
			a.l.refuse(limitUnverifiedBytes)
			c.w.Header().Set("Connection", "close")
			rc.SetReadDeadline(aLongTimeAgo)
			return c.failf(protocol.StatusServiceUnavailable, "server busy: too many unverified request bytes in flight (limits.max_unverified_bytes); retry"), false
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
			return refuse(a.refused.body, "request body is larger than limits.max_message_bytes (%d)", a.maxBody)
		case isTimeout(err):
			return refuse(a.refused.read, "request body not received within limits.idle_timeout (%v)", a.readTimeout)
		default:
			return refuse(nil, "cannot read the request body")
		}
	}
}

// verify checks Customer-ID and the signature. ok is false when the request was refused;
// the reply is then in c.out.
func (a *restAPI) verify(c *restCall) (protocol.Status, bool) {
	if id := c.r.Header.Get("Customer-ID"); id != "" && id != c.m.cid {
		a.svc.metrics.authFailure(reasonCrossTenant)
		return c.failf(protocol.StatusUnauthorized, "Customer-ID header %s is not the customer of the path", quoteInput(id)), false
	}
	req := a.request(c)
	req.Body = c.body
	if err := c.wk.ver.VerifyREST(&req); err != nil {
		return a.refuseAuth(c, &req, err), false
	}
	if req.Change {
		// Kept with the change that follows, so that a restart still refuses a replay.
		a.svc.store.RecordSeen(c.wk.ver.Accepted())
	}
	return 0, true
}

// dropBody is for a request refused before its body was read: the connection closes after
// the reply, and net/http does not wait for the body before sending it.
func (c *restCall) dropBody() {
	if c.r.ContentLength != 0 {
		c.w.Header().Set("Connection", "close")
		http.NewResponseController(c.w).SetReadDeadline(aLongTimeAgo)
	}
}

// request is the signed request c carries (its body not yet set).
func (a *restAPI) request(c *restCall) auth.RESTRequest {
	h := c.r.Header
	return auth.RESTRequest{
		Method: c.r.Method, Date: h.Get("sym-date"), MD5: h.Get("Content-MD5"),
		Signature: h.Get("Authorization"), CID: c.m.cid,
		Path: c.rawPath, RawQuery: c.r.URL.RawQuery, Scheme: "http", Host: c.r.Host,
		Change: c.m.op.changes(),
	}
}

// refuseAuth answers a verification failure (with the string to sign for a bad signature)
// and counts it by reason.
func (a *restAPI) refuseAuth(c *restCall, req *auth.RESTRequest, err error) protocol.Status {
	st, reason, _ := authFailure(err)
	a.svc.metrics.authFailure(reason)
	_, text := a.svc.status(err)
	if errors.Is(err, auth.ErrBadSignature) {
		c.out = protocol.AppendEnvelopeOpen(c.out[:0], st, text)
		c.out = protocol.AppendStringToSignValue(c.out, c.wk.ver.AppendRESTStringToSignDebug(nil, req))
		c.out = protocol.AppendEnvelopeClose(c.out)
		return st
	}
	return c.failf(st, "%s", text)
}

// requestPath is the request's path exactly as sent (still escaped): what the client
// signed.
func requestPath(r *http.Request) string {
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	return r.URL.EscapedPath()
}

// noRoute answers a path no route has (404) or a method the path does not take (405).
func (c *restCall) noRoute() protocol.Status {
	if len(c.m.allow) > 0 {
		c.code = http.StatusMethodNotAllowed
		c.w.Header().Set("Allow", strings.Join(c.m.allow, ", "))
		return c.failf(protocol.StatusBadRequest, "method %s is not allowed on %s (allowed: %s)", quoteInput(c.r.Method), quoteInput(c.rawPath), strings.Join(c.m.allow, ", "))
	}
	c.code = http.StatusNotFound
	return c.failf(protocol.StatusBadRequest, "no endpoint %s %s (see PROTOCOL.md section 2)", quoteInput(c.r.Method), quoteInput(c.rawPath))
}

// fail answers err with its status and client message (statusOf), counting a refusal by a
// project limit.
func (c *restCall) fail(err error) protocol.Status {
	st, text := c.svc.status(err)
	c.out = protocol.AppendReply(c.out[:0], st, text)
	return st
}

// failf answers st with a formatted message, which must quote client input only through
// quoteInput.
func (c *restCall) failf(st protocol.Status, format string, args ...any) protocol.Status {
	c.out = protocol.AppendReply(c.out[:0], st, fmt.Sprintf(format, args...))
	return st
}

// ok answers OK with empty values.
func (c *restCall) ok() protocol.Status {
	c.out = protocol.AppendOK(c.out[:0])
	return protocol.StatusOK
}

// write sends the reply in c.out with st's HTTP code (or c.code).
func (c *restCall) write(st protocol.Status, timeout time.Duration) {
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(c.out)))
	code := st.HTTPCode()
	if c.code != 0 {
		code = c.code
	}
	http.NewResponseController(c.w).SetWriteDeadline(time.Now().Add(timeout))
	c.w.WriteHeader(code)
	c.w.Write(c.out) // a client that hung up needs no answer
}

// param returns a wildcard segment of the path: 0 the project id (or job id), 1 the model id.
func (c *restCall) param(i int) string { return c.m.args[i] }

// quoteInput quotes client input for a message: at most 40 bytes, escaped.
func quoteInput(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "..."
	}
	return strconv.Quote(s)
}
