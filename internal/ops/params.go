package ops

import (
	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/jsonstrict"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// The decoders of operation arguments every transport shares: what a REST body and an RPC
// argument hold alike.

// ParseObject parses body with p as a JSON object with the keys known alone (package
// jsonstrict's rules), refused BAD_REQUEST otherwise; what names it in messages ("import
// request"), shape says what it must be ("a JSON object"). The object lives until p's
// next parse.
func ParseObject(p *fastjson.Parser, body []byte, what, shape string, known ...string) (*fastjson.Object, error) {
	o, err := jsonstrict.ParseObject(p, body, what, shape, known...)
	if err != nil {
		return nil, protocol.Errorf(protocol.StatusBadRequest, "%v", err)
	}
	return o, nil
}

// projectParams are the parameters a project creation knows: partitionSplit names a
// partition project's partition column.
var projectParams = []string{"partitionSplit"}

// ParseProjectParams parses a project's parameters, a flat JSON object of strings, e.g.
// {"partitionSplit":"species"}, of the keys projectParams alone, each once; an empty body
// is no parameters. Errors are BAD_REQUEST.
func ParseProjectParams(body []byte) (map[string]string, error) {
	if len(body) == 0 {
		return nil, nil
	}
	var p fastjson.Parser
	o, err := ParseObject(&p, body, "project parameters", "a JSON object of strings", projectParams...)
	if err != nil {
		return nil, err
	}
	params := make(map[string]string, o.Len())
	o.Visit(func(k []byte, e *fastjson.Value) {
		if err != nil {
			return
		}
		key := string(k)
		if e.Type() != fastjson.TypeString {
			err = protocol.Errorf(protocol.StatusBadRequest, "project parameter %s must be a string, not %s", QuoteInput(key), e.Type())
			return
		}
		params[key] = string(e.GetStringBytes())
	})
	if err != nil {
		return nil, err
	}
	return params, nil
}

// ParseMLContexts parses the MLContexts of an exploration, items of a JSON array that
// where names in messages (e.g. `exploration "values"`): one to MaxExploreContexts of
// them, each by model.ParseMLContext; a refused one is refused with its position
// ("values[2]: ...").
func ParseMLContexts(items []*fastjson.Value, where string) ([]model.MLContext, error) {
	switch {
	case len(items) == 0:
		return nil, protocol.Errorf(protocol.StatusBadRequest, `%s holds no MLContext`, where)
	case len(items) > MaxExploreContexts:
		return nil, protocol.Errorf(protocol.StatusBadRequest, `%s holds %d MLContexts, at most %d`, where, len(items), MaxExploreContexts)
	}
	ctxs := make([]model.MLContext, len(items))
	var buf []byte
	var err error
	for i, it := range items {
		buf = it.MarshalTo(buf[:0])
		if ctxs[i], err = model.ParseMLContext(buf); err != nil {
			return nil, AtPosition(i, err)
		}
	}
	return ctxs, nil
}
