package ops

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/symscore/symscore/protocol"
)

// What ops logs (docs/operations.md "Logs"):
//
//	warn   every authentication failure and replay (LogRefusal), rate-limited; every
//	       build that fails
//	info   every change of a project or a model: create, delete, freeze, unfreeze, merge,
//	       import, a model built or deleted, an uploaded file learned or forgotten (ops
//	       logs them itself); a REST learn or forget
//	       (its transport calls LogChange); the learns and forgets of a WebSocket session
//	       in totals (CountSessionChange), not a line per message on the hot path
//	debug  one line per request (LogRequest)
//
// Durations are time.Duration values; the command's handler writes them in milliseconds.

// Caller names who sent a request, for the log.
type Caller struct {
	// Remote is the client's address, host:port.
	Remote string
	// Endpoint is the endpoint's metric label: "ws_learn", "rest_build", ...
	Endpoint string
	// CID is the customer the request names, verified or not; "" when none could be read.
	CID string
}

// Bounds of the authentication failure log: at most authLogBurst lines at once, refilled
// at authLogRate per second. Past them lines are dropped, and the next line logged says
// how many were (symscore_auth_failures_total counts every failure).
const (
	authLogBurst = 100
	authLogRate  = 20
)

// authLogLimiter is the token bucket of the authentication failure log. Safe for
// concurrent use.
type authLogLimiter struct {
	mu         sync.Mutex // guards tokens, last, suppressed
	tokens     float64
	last       time.Time
	suppressed int64
}

// allow takes a token at now; it returns whether a line may be logged and, if so, how many
// were dropped since the last one.
func (l *authLogLimiter) allow(now time.Time) (ok bool, dropped int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last.IsZero() {
		l.tokens = authLogBurst
	} else if d := now.Sub(l.last); d > 0 {
		l.tokens = min(authLogBurst, l.tokens+d.Seconds()*authLogRate)
	}
	l.last = now
	if l.tokens < 1 {
		l.suppressed++
		return false, 0
	}
	l.tokens--
	dropped, l.suppressed = l.suppressed, 0
	return true, dropped
}

// LogRefusal logs r at warn when authentication refused the request (r.Reason set: a
// failed signature, a header that cannot be read, a replay, a full replay memory), with
// the caller and the reason; other refusals are the client's business and are not logged.
// At most authLogBurst lines at once and authLogRate per second (see authLogLimiter).
func (s *Service) LogRefusal(r *Refusal, from Caller) {
	if r == nil || r.Reason == "" || !s.log.Enabled(context.Background(), slog.LevelWarn) {
		return
	}
	ok, dropped := s.authLog.allow(time.Now())
	if !ok {
		return
	}
	attrs := []any{"remote", from.Remote, "endpoint", from.Endpoint, "cid", from.CID, "reason", r.Reason,
		"status", r.Status.String(), "refusal", r.Msg}
	if dropped > 0 {
		attrs = append(attrs, "suppressed", dropped)
	}
	s.log.Warn("authentication failed", attrs...)
}

// DebugEnabled reports whether LogRequest logs anything: a transport checks it before
// gathering what LogRequest takes, so that a request allocates nothing for the log
// otherwise. It is decided when the Service opens, from Options.Log, whose level is fixed
// (the server's is log.level): asking the handler costs an interface call and a level
// read per request (~50 ns under load).
func (s *Service) DebugEnabled() bool { return s.debug }

// LogRequest logs one request at debug: the caller, the project (or job) it named, its
// status and how long it took.
func (s *Service) LogRequest(from Caller, pid string, st protocol.Status, took time.Duration) {
	if !s.DebugEnabled() {
		return
	}
	s.log.Debug("request", "endpoint", from.Endpoint, "remote", from.Remote, "cid", from.CID, "pid", pid,
		"status", st.String(), "took", took)
}

// LogChange logs a change of customer c's project pid at info: what changed ("create",
// "learn", "build", ...), the rows it concerned (the project's after a create, delete,
// freeze, merge or import; those learned or forgotten; those a model was fitted on), and
// attrs.
func (s *Service) LogChange(c Customer, pid, what string, rows int64, attrs ...any) {
	if !s.log.Enabled(context.Background(), slog.LevelInfo) {
		return
	}
	s.log.Info("change", append([]any{"cid", c.id, "pid", pid, "what", what, "rows", rows}, attrs...)...)
}

// SessionChanges are the learns or forgets of one WebSocket session on one project, not
// yet logged: a session logs them in totals (CountSessionChange) rather than a line per
// message. The zero value counts nothing yet. Used by its session's goroutine only.
type SessionChanges struct {
	cust           Customer
	pid            string
	rows, messages int64
	since          time.Time // the first change counted
}

// sessionLogEvery is how often a WebSocket session logs its changes while it runs.
const sessionLogEvery = time.Minute

// CountSessionChange counts a message of rows learned or forgotten (what) into customer c's
// project pid at now, in sc. The totals are logged at info, as LogChange does, with the
// messages and the time they span: when a minute has passed since the first counted, and
// before counting a message of another project or customer. It allocates only to log.
func (s *Service) CountSessionChange(sc *SessionChanges, c Customer, what, pid string, rows int, now time.Time) {
	if sc.messages > 0 && (sc.pid != pid || sc.cust != c) {
		s.FlushSessionChanges(sc, what, now)
	}
	if sc.messages == 0 {
		sc.cust, sc.pid, sc.since = c, pid, now
	}
	sc.rows += int64(rows)
	sc.messages++
	if now.Sub(sc.since) >= sessionLogEvery {
		s.FlushSessionChanges(sc, what, now)
	}
}

// FlushSessionChanges logs the totals of sc, if any (see CountSessionChange), and resets
// them; a session calls it when it ends.
func (s *Service) FlushSessionChanges(sc *SessionChanges, what string, now time.Time) {
	if sc.messages == 0 {
		return
	}
	s.LogChange(sc.cust, sc.pid, what, sc.rows, "messages", sc.messages, "over", now.Sub(sc.since))
	*sc = SessionChanges{}
}
