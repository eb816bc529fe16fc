package rpcapi

import (
	"unsafe"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/bufpool"
	"github.com/symscore/symscore/internal/ops"
	"github.com/symscore/symscore/internal/wslink"
	"github.com/symscore/symscore/model"
)

// call is one decoded call: its arguments as Go values, and the memory they point into,
// which it owns until it is answered (release).
type call struct {
	m    *method
	id   []byte       // the request id (in the call's memory, or the message for inline calls)
	cust ops.Customer // the customer the session acted for when the call came

	// views: strings may alias the message (inline calls, answered before it is reused);
	// copies otherwise.
	views bool
	// copyBytes: byte slices taken from the arguments are copied into mem (1.x calls that
	// outlive the message: its strings live in the JSON parser, reused by the next message).
	copyBytes bool

	pid, modelID, algo, typ, metric string
	replace                         bool // build: replace a model of the same id

	params map[string]string
	frame  []byte           // a DataFrame's JSON (in mem)
	lists  []byte           // subscribe, unsubscribe: {"names","pairs"} as JSON (in mem)
	bin    dataframe.Binary // a binary DataFrame (isBin); its bytes alias the message or an attachment
	isBin  bool
	ctx    model.MLContext
	ctxs   []model.MLContext
	mx     ops.MatrixArgs // predict_matrix; Columns and Data alias the message or an attachment

	mem *[]byte             // pooled: JSON written for the call, copied bytes
	msg *[]byte             // pooled: the message, when the call owns it
	att *wslink.Attachments // 1.x: the attachments the message came with

	// scratch of decoding, reused by the inline call
	ms []wslink.Member
	vs []wslink.Value
}

// reset empties a call for reuse (the inline call), keeping its scratch.
func (c *call) reset() {
	*c = call{ms: c.ms[:0], vs: c.vs[:0], bin: dataframe.Binary{Names: c.bin.Names[:0], Types: c.bin.Types[:0]},
		mx: ops.MatrixArgs{Columns: c.mx.Columns[:0]}}
}

// release gives back the memory the call owns. Nothing of it may be used afterwards.
func (c *call) release() {
	bufpool.Put(c.mem)
	bufpool.Put(c.msg)
	c.att.Release()
	c.mem, c.msg, c.att = nil, nil, nil
}

// str is b as a string: a view for inline calls, a copy otherwise.
func (c *call) str(b []byte) string {
	if c.views {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return string(b)
}

// keep returns bytes of an argument the call may use until it is answered.
func (c *call) keep(b []byte) []byte {
	if !c.copyBytes {
		return b
	}
	start := len(c.memBuf())
	*c.mem = append(*c.mem, b...)
	return (*c.mem)[start:len(*c.mem):len(*c.mem)]
}

// memBuf returns the call's memory, taking it from the pool on first use.
func (c *call) memBuf() []byte {
	if c.mem == nil {
		c.mem = bufpool.Get(4 << 10)
	}
	return *c.mem
}

// json writes argument v (argument i of a) as JSON into the call's memory: a DataFrame, an
// MLContext or parameters for the parsers of the operations. A value JSON cannot hold
// (binary data, an infinite number) is a bad argument.
func (c *call) json(v wslink.Value, a *args, i int) ([]byte, error) {
	start := len(c.memBuf())
	b, err := v.AppendJSON(*c.mem)
	if err != nil {
		return nil, badArgs(a.m, "args[%d]: %v", i, err)
	}
	*c.mem = b
	return b[start:len(b):len(b)], nil
}

// mapJSON reads argument i of a, which must be a map (what names it in errors), as JSON
// in the call's memory (json).
func (c *call) mapJSON(a *args, i int, what string) ([]byte, error) {
	v, err := a.kind(i, wslink.KindMap, what)
	if err != nil {
		return nil, err
	}
	return c.json(v, a, i)
}

// pidArg reads args[0], the project id.
func (c *call) pidArg(a *args) error {
	pid, err := a.str(0, "the project id")
	c.pid = c.str(pid)
	return err
}

// binaryFrameKeys are the keys of a binary DataFrame.
var binaryFrameKeys = [...]string{"attributeNames", "attributeTypes", "rows", "data", "errorHandling"}

// frameArg reads argument i, a DataFrame: the JSON object of PROTOCOL.md (a map in 2.x),
// or its binary form {"attributeNames","attributeTypes","rows","data"[,"errorHandling"]}
// (a map with "rows"), whose data is rows × columns float64 little-endian.
func (c *call) frameArg(a *args, i int) error {
	v, err := a.kind(i, wslink.KindMap, "the DataFrame")
	if err != nil {
		return err
	}
	c.ms, _ = v.AppendMembers(c.ms[:0])
	binary := false
	for _, m := range c.ms {
		binary = binary || string(m.Key) == "rows"
	}
	if !binary {
		c.frame, err = c.json(v, a, i)
		return err
	}
	c.isBin = true
	b := &c.bin
	var seen [len(binaryFrameKeys)]bool
	for _, m := range c.ms {
		k := -1
		for j, name := range binaryFrameKeys {
			if string(m.Key) == name {
				k = j
			}
		}
		switch {
		case k < 0:
			return badArgs(a.m, "args[%d] has the unknown key %q; a binary DataFrame's keys are attributeNames, attributeTypes, rows, data, errorHandling", i, clip(m.Key))
		case seen[k]:
			return badArgs(a.m, "args[%d].%s appears twice", i, m.Key)
		}
		seen[k] = true
		switch k {
		case 0, 1:
			list := &b.Names
			if k == 1 {
				list = &b.Types
			}
			if m.Val.Kind() != wslink.KindArray {
				return badArgs(a.m, "args[%d].%s must be an array of strings, not %s", i, m.Key, m.Val.Kind())
			}
			c.vs, _ = m.Val.AppendElems(c.vs[:0])
			*list = (*list)[:0]
			for j, e := range c.vs {
				s, ok := e.Str()
				if !ok {
					return badArgs(a.m, "args[%d].%s[%d] must be a string, not %s", i, m.Key, j, e.Kind())
				}
				*list = append(*list, c.keep(s))
			}
		case 2, 4:
			n, ok := m.Val.Int()
			if !ok || n < 0 || n > 1<<40 {
				return badArgs(a.m, "args[%d].%s must be a whole number", i, m.Key)
			}
			if k == 2 {
				b.Rows = int(n)
			} else {
				b.ErrorHandling = int(n)
			}
		case 3:
			d, ok := m.Val.Bytes()
			if !ok {
				return badArgs(a.m, "args[%d].data must be binary data (rows × columns float64, little-endian), not %s", i, m.Val.Kind())
			}
			b.Data = d
		}
	}
	if !seen[0] || !seen[1] || !seen[3] {
		return badArgs(a.m, `args[%d], a binary DataFrame, needs "attributeNames", "attributeTypes", "rows" and "data"`, i)
	}
	return nil
}

// clip is at most 40 bytes of b, for messages.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
