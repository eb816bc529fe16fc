package server

import (
	"encoding/base64"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/protocol"
)

// export answers GET /projects/{pid}/export: values.projectState, the Base64 (standard,
// padded) of the project's state and models as store.Export encodes them.
func (a *restAPI) export(c *restCall) protocol.Status {
	data, err := a.svc.store.Export(c.m.cid, c.param(0))
	if err != nil {
		return c.fail(err)
	}
	c.out = protocol.AppendEnvelopeOpen(c.out[:0], protocol.StatusOK, "OK")
	c.out = append(c.out, `{"projectState":"`...)
	c.out = base64.StdEncoding.AppendEncode(c.out, data)
	c.out = protocol.AppendEnvelopeClose(append(c.out, `"}`...))
	return protocol.StatusOK
}

// importProject answers POST /projects/{pid}/import, body {"projectState":"<Base64>"} as
// export wrote it: the project is made under pid (201), keeping its statistics, models and
// dates. 409 if pid exists; 400 if the state does not decode.
func (a *restAPI) importProject(c *restCall) protocol.Status {
	var p fastjson.Parser
	v, err := p.ParseBytes(c.body)
	if err != nil {
		return c.failf(protocol.StatusBadRequest, "import request is not valid JSON: %v", err)
	}
	state := v.Get("projectState")
	if state == nil || state.Type() != fastjson.TypeString {
		return c.failf(protocol.StatusBadRequest, `import request must be {"projectState":"<Base64 of an export>"}`)
	}
	text := state.GetStringBytes()
	data := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(data, text)
	if err != nil {
		return c.failf(protocol.StatusBadRequest, "projectState is not valid Base64: %v", err)
	}
	if err := a.svc.store.Import(c.m.cid, c.param(0), data[:n]); err != nil {
		return c.fail(err)
	}
	c.out = protocol.AppendReply(c.out[:0], protocol.StatusCreated, "CREATED")
	return protocol.StatusCreated
}
