package restapi

import (
	"math"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/reply"
	"github.com/symscore/symscore/protocol"
)

// announce starts an upload: POST /uploads, body {"pid","name","size","format"} (format
// "csv", the default). 201 with values {"uploadId","chunkSize","expires"}.
func (h *Handler) announce(c *call) protocol.Status {
	a, err := parseAnnounce(c.body)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	st, err := h.svc.Announce(c.cust, a)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	c.out = reply.AppendAnnounce(c.out[:0], st)
	return protocol.StatusCreated
}

var announceKeys = []string{"pid", "name", "size", "format"}

// parseAnnounce reads an announce body: pid, name and size required (size a whole number
// of bytes), format optional; no other key (package jsonstrict).
func parseAnnounce(body []byte) (ops.AnnounceArgs, error) {
	var a ops.AnnounceArgs
	var p fastjson.Parser
	o, err := ops.ParseObject(&p, body, "announce request", "a JSON object", announceKeys...)
	if err != nil {
		return a, err
	}
	if a.PID, err = stringField(o, "announce", "pid", true); err != nil {
		return a, err
	}
	if a.Name, err = stringField(o, "announce", "name", true); err != nil {
		return a, err
	}
	if a.Format, err = stringField(o, "announce", "format", false); err != nil {
		return a, err
	}
	if a.Format == "" {
		a.Format = "csv"
	}
	size, err := intField(o, "announce", "size", true)
	if err != nil {
		return a, err
	}
	a.Size = size
	return a, nil
}

// finalize starts an upload's finalize job: POST /uploads/{id}/finalize, body
// {"op":"learn"|"forget","types":"C,C,B,T","errorHandling":0}, every key optional (an
// empty body learns with inferred types). 202 with Location and sym-job-id, as build.
func (h *Handler) finalize(c *call) protocol.Status {
	a, err := parseFinalize(c.body)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	id, err := h.svc.Finalize(c.cust, c.param(0), a)
	if err != nil {
		return c.refuse(h.svc.Refuse(err))
	}
	return c.accepted(id)
}

var finalizeKeys = []string{"op", "types", "errorHandling"}

// parseFinalize reads a finalize body.
func parseFinalize(body []byte) (ops.FinalizeArgs, error) {
	var a ops.FinalizeArgs
	if len(body) == 0 {
		return a, nil
	}
	var p fastjson.Parser
	o, err := ops.ParseObject(&p, body, "finalize request", "a JSON object", finalizeKeys...)
	if err != nil {
		return a, err
	}
	op, err := stringField(o, "finalize", "op", false)
	if err != nil {
		return a, err
	}
	switch op {
	case "", "learn":
	case "forget":
		a.Forget = true
	default:
		return a, protocol.Errorf(protocol.StatusBadRequest, `finalize "op" must be "learn" or "forget", not %s`, ops.QuoteInput(op))
	}
	if a.Types, err = stringField(o, "finalize", "types", false); err != nil {
		return a, err
	}
	eh, err := intField(o, "finalize", "errorHandling", false)
	if err != nil {
		return a, err
	}
	a.ErrorHandling = int(min(eh, math.MaxInt32))
	return a, nil
}

// stringField reads a string member ("" when absent and not required).
func stringField(o *fastjson.Object, what, key string, required bool) (string, error) {
	v := o.Get(key)
	switch {
	case v == nil && required:
		return "", protocol.Errorf(protocol.StatusBadRequest, "%s request has no %q", what, key)
	case v == nil:
		return "", nil
	case v.Type() != fastjson.TypeString:
		return "", protocol.Errorf(protocol.StatusBadRequest, "%s %q must be a string, not %s", what, key, v.Type())
	}
	return string(v.GetStringBytes()), nil
}

// intField reads a member that is a whole, non-negative JSON number below 2^63 (0 when
// absent and not required).
func intField(o *fastjson.Object, what, key string, required bool) (int64, error) {
	v := o.Get(key)
	switch {
	case v == nil && required:
		return 0, protocol.Errorf(protocol.StatusBadRequest, "%s request has no %q", what, key)
	case v == nil:
		return 0, nil
	case v.Type() != fastjson.TypeNumber:
		return 0, protocol.Errorf(protocol.StatusBadRequest, "%s %q must be a number, not %s", what, key, v.Type())
	}
	n, err := v.Uint64()
	if err != nil || n > math.MaxInt64 {
		return 0, protocol.Errorf(protocol.StatusBadRequest, "%s %q must be a whole number from 0 to 2^63-1, not %s", what, key, ops.QuoteInput(v.String()))
	}
	return int64(n), nil
}
