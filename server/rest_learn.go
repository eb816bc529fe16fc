package server

import "github.com/symscore/symscore/protocol"

// learn adds (or with forget removes) the DataFrame body's rows to the project, as the
// WebSocket endpoints do: all of them, or none with an error reply; under errorHandling 1
// the reply counts the rows applied and skipped.
func (a *restAPI) learn(c *restCall, forget bool) protocol.Status {
	svc, cid, pid := a.svc, c.m.cid, c.param(0)
	p, err := svc.store.Project(cid, pid)
	if err != nil {
		return c.fail(err)
	}
	f, err := c.wk.df.Parse(c.body, svc.frameOptions(false, p))
	if err != nil {
		svc.countFrameRefusal(err)
		return c.fail(err)
	}
	if forget {
		err = svc.store.Forget(cid, pid, f)
	} else {
		err = svc.store.Learn(cid, pid, f)
	}
	if err != nil {
		return c.fail(err)
	}
	svc.countRows(forget, f.Rows)
	c.out = appendLearnReply(c.out[:0], f)
	return protocol.StatusOK
}
