package server

import (
	"github.com/gobwas/ws"

	"github.com/symscore/symscore/protocol"
)

// predict scores every row of the DataFrame in payload with the bound model and answers
// one KSVSMap per row (PROTOCOL.md 1, STATISTICS.md 3). Missing inputs take the project
// means at build time.
func (s *symSession) predict(w *worker, payload, reply []byte) ([]byte, protocol.Status, ws.StatusCode) {
	svc := s.svc
	p, err := svc.store.Project(s.cid, s.keys[0])
	if err != nil {
		st, text := svc.status(err)
		return s.fail(reply, st, text, 0)
	}
	m, err := p.FindModel(s.keys[1])
	if err != nil {
		st, text := svc.status(err)
		return s.fail(reply, st, text, 0)
	}
	f, err := w.df.Parse(payload, svc.frameOptions(true, p))
	if err != nil {
		svc.countFrameRefusal(err)
		st, text := svc.status(err)
		return s.fail(reply, st, text, 0)
	}
	out := protocol.AppendEnvelopeOpen(reply, protocol.StatusOK, "OK")
	out, err = w.appendPredictions(out, m, f, false, &s.pl)
	if err != nil {
		st, text := svc.status(err)
		return s.fail(reply, st, text, 0)
	}
	svc.metrics.predicted.Add(float64(f.Rows))
	return protocol.AppendEnvelopeClose(out), protocol.StatusOK, 0
}
