package restapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/symscore/symscore/protocol"
)

// restPrefix starts every REST path: /symetry/rest/{cid}/...
const restPrefix = "/symetry/rest/"

// restOp is one REST operation: a route, a handler, and the metric label rest_<name>.
type restOp int

const (
	opCreate restOp = iota
	opList
	opInfo
	opDelete
	opLearn
	opForget
	opBuild
	opJob
	opModelInfo
	opModelDelete
	opPredict
	opExplore
	opMerge
	opFreeze
	opUnfreeze
	opExport
	opImport
	opUploadAnnounce
	opUploadList
	opUploadInfo
	opUploadDelete
	opUploadFinalize
	opNoRoute // no route, or the wrong method: answered 404 or 405 before verification
	numRESTOps
)

// changes reports whether op changes state: its signed requests are refused when replayed
// (docs/protocol.md 1.3 names learn and forget; a replayed merge would count rows twice too,
// and a replayed delete or create could undo a later request).
func (op restOp) changes() bool {
	switch op {
	case opList, opInfo, opJob, opModelInfo, opPredict, opExplore, opExport, opUploadList, opUploadInfo, opNoRoute:
		return false
	}
	return true
}

// statuses are the wire statuses op can answer (INTERNAL_SERVER_ERROR aside, which gets
// its series if it ever occurs): its success, and for every signed operation a refusal of
// the request (BAD_REQUEST), of its signature (UNAUTHORIZED), of a replay or a conflict
// (CONFLICT), of a limit or of durability (SERVICE_UNAVAILABLE). A job answers the
// status of its build.
func (op restOp) statuses() []protocol.Status {
	if op == opNoRoute {
		return []protocol.Status{protocol.StatusBadRequest}
	}
	refusals := []protocol.Status{protocol.StatusBadRequest, protocol.StatusUnauthorized,
		protocol.StatusConflict, protocol.StatusServiceUnavailable}
	switch op {
	case opCreate, opImport, opUploadAnnounce:
		return append(refusals, protocol.StatusCreated)
	case opBuild, opUploadFinalize:
		return append(refusals, protocol.StatusAccepted)
	case opJob:
		return append(refusals, protocol.StatusOK, protocol.StatusAccepted)
	}
	return append(refusals, protocol.StatusOK)
}

var restOpNames = [numRESTOps]string{
	opCreate: "create", opList: "list", opInfo: "info", opDelete: "delete",
	opLearn: "learn", opForget: "forget", opBuild: "build", opJob: "job",
	opModelInfo: "model_info", opModelDelete: "model_delete", opPredict: "predict",
	opExplore: "explore", opMerge: "merge", opFreeze: "freeze", opUnfreeze: "unfreeze",
	opExport: "export", opImport: "import", opUploadAnnounce: "upload_announce", opUploadList: "upload_list",
	opUploadInfo: "upload_info", opUploadDelete: "upload_delete", opUploadFinalize: "upload_finalize",
	opNoRoute: "no_route",
}

// restRoute is a method and a path pattern under /symetry/rest/{cid}/: literal segments,
// and "*" for a wildcard segment (a project id, a model id, a job id).
type restRoute struct {
	method  string
	pattern []string
	op      restOp
}

// restRoutes is the table of docs/protocol.md section 2 (plus export and import) and of
// docs/uploads.md. The first
// route whose pattern and method match wins, so literal routes come before wildcards of
// the same shape: GET projects/list lists, DELETE projects/list deletes project "list".
var restRoutes = []restRoute{
	{http.MethodPost, []string{"projects"}, opCreate},
	{http.MethodGet, []string{"projects", "list"}, opList},
	{http.MethodDelete, []string{"projects", "*"}, opDelete},
	{http.MethodGet, []string{"projects", "*", "info"}, opInfo},
	{http.MethodPost, []string{"projects", "*", "learn"}, opLearn},
	{http.MethodPost, []string{"projects", "*", "forget"}, opForget},
	{http.MethodPost, []string{"projects", "*", "build"}, opBuild},
	{http.MethodGet, []string{"jobs", "*"}, opJob},
	{http.MethodGet, []string{"projects", "*", "models", "*"}, opModelInfo},
	{http.MethodDelete, []string{"projects", "*", "models", "*"}, opModelDelete},
	{http.MethodPost, []string{"projects", "*", "predict", "*"}, opPredict},
	{http.MethodPost, []string{"projects", "*", "explore"}, opExplore},
	{http.MethodGet, []string{"projects", "*", "merge"}, opMerge},
	{http.MethodGet, []string{"projects", "*", "freeze"}, opFreeze},
	{http.MethodGet, []string{"projects", "*", "unfreeze"}, opUnfreeze},
	{http.MethodGet, []string{"projects", "*", "export"}, opExport},
	{http.MethodPost, []string{"projects", "*", "import"}, opImport},
	{http.MethodPost, []string{"uploads"}, opUploadAnnounce},
	{http.MethodGet, []string{"uploads"}, opUploadList},
	{http.MethodGet, []string{"uploads", "*"}, opUploadInfo},
	{http.MethodDelete, []string{"uploads", "*"}, opUploadDelete},
	{http.MethodPost, []string{"uploads", "*", "finalize"}, opUploadFinalize},
}

// maxRESTSegments bounds the segments a path is split into: no route has more than
// 1 (cid) + 4.
const maxRESTSegments = 5

// restMatch is the outcome of routing one request.
type restMatch struct {
	op   restOp
	cid  string
	args [2]string // the wildcard segments, unescaped, in path order
	// allow lists the methods the path accepts when the method did not match (405);
	// empty with op == opNoRoute means no route (404).
	allow []string
}

// matchREST routes rawPath, the path exactly as the client sent it (still escaped), for
// method. Segments are split on '/' first and unescaped after, so an escaped "%2F" stays
// inside its segment, as clients encode ids. An empty segment (a trailing or doubled '/')
// or a segment that does not unescape matches nothing.
func matchREST(method, rawPath string) restMatch {
	m := restMatch{op: opNoRoute}
	rest, ok := strings.CutPrefix(rawPath, restPrefix)
	if !ok {
		return m
	}
	var segs [maxRESTSegments]string
	n := 0
	for {
		if n == len(segs) {
			return m
		}
		seg, after, more := strings.Cut(rest, "/")
		u, err := url.PathUnescape(seg)
		if seg == "" || err != nil {
			return m
		}
		segs[n] = u
		n++
		if !more {
			break
		}
		rest = after
	}
	if n < 2 {
		return m
	}
	m.cid = segs[0]
	path := segs[1:n]
	for i := range restRoutes {
		rt := &restRoutes[i]
		args, ok := rt.match(path)
		if !ok {
			continue
		}
		if rt.method == method {
			m.op, m.args, m.allow = rt.op, args, nil
			return m
		}
		m.allow = appendMethod(m.allow, rt.method)
	}
	return m
}

// match reports whether path fits the pattern and returns its wildcard segments.
func (rt *restRoute) match(path []string) (args [2]string, ok bool) {
	if len(path) != len(rt.pattern) {
		return args, false
	}
	k := 0
	for i, p := range rt.pattern {
		switch {
		case p == "*":
			args[k] = path[i]
			k++
		case p != path[i]:
			return args, false
		}
	}
	return args, true
}

func appendMethod(ms []string, m string) []string {
	for _, x := range ms {
		if x == m {
			return ms
		}
	}
	return append(ms, m)
}
