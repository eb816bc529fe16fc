package server

import (
	"errors"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/protocol"
)

// learn adds (learn endpoint) or removes (forget endpoint) the rows of the DataFrame in
// payload to the bound project: all of them, or none with an error reply. Under
// errorHandling 1 the reply counts the rows applied and skipped.
func (s *symSession) learn(w *worker, payload, reply []byte) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.svc
	cid, pid := s.cid, s.keys[0]
	p, err := svc.store.Project(cid, pid)
	if err != nil {
		st, text := svc.status(err)
		return s.fail(reply, st, text, 0)
	}
	f, err := w.df.Parse(payload, svc.frameOptions(false, p))
	if err != nil {
		svc.countFrameRefusal(err)
		st, text := svc.status(err)
		return s.fail(reply, st, text, 0)
	}
	if s.ep == epWSForget {
		err = svc.store.Forget(cid, pid, f)
	} else {
		err = svc.store.Learn(cid, pid, f)
	}
	if err != nil {
		st, text := svc.status(err)
		return s.fail(reply, st, text, 0)
	}
	svc.countRows(s.ep == epWSForget, f.Rows)
	return appendLearnReply(reply, f), protocol.StatusOK, 0
}

// appendLearnReply appends the OK reply of a learn or forget of f.
func appendLearnReply(dst []byte, f *dataframe.Frame) []byte {
	if f.ErrorHandling != 1 {
		return protocol.AppendOK(dst)
	}
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = protocol.AppendRowCounts(dst, f.Rows, f.Skipped)
	return protocol.AppendEnvelopeClose(dst)
}

// countFrameRefusal counts a DataFrame refused by a limit.
func (svc *service) countFrameRefusal(err error) {
	switch {
	case errors.Is(err, dataframe.ErrTooManyRows):
		svc.refusals.rows.Inc()
	case errors.Is(err, dataframe.ErrTooManyColumns):
		svc.refusals.columns.Inc()
	}
}

func (svc *service) countRows(forgotten bool, n int) {
	if forgotten {
		svc.metrics.forgotten.Add(float64(n))
	} else {
		svc.metrics.learned.Add(float64(n))
	}
}
