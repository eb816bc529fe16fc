package live

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"

	"github.com/symscore/symscore/ident"
	"github.com/symscore/symscore/jsonstrict"
)

// Request is a client message (docs/subscribe.md): a subscribe or an unsubscribe of
// names (attributes, topics, the wildcard) and pairs of attributes. The zero Request
// (from "{}") asks for nothing.
type Request struct {
	Unsubscribe bool
	Names       []string
	Pairs       [][2]string
}

// Empty reports whether r asks for nothing: "{}".
func (r *Request) Empty() bool { return !r.Unsubscribe && r.Names == nil && r.Pairs == nil }

// errRequest wraps every refusal of ParseRequest.
var errRequest = errors.New("live: bad request")

// IsBadRequest reports whether err is a refusal of ParseRequest.
func IsBadRequest(err error) bool { return errors.Is(err, errRequest) }

// RequestMessage is the client's message of a refusal of ParseRequest: what is wrong,
// without the package's prefix.
func RequestMessage(err error) string {
	return strings.TrimPrefix(err.Error(), errRequest.Error()+": ")
}

func badRequest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errRequest, fmt.Sprintf(format, args...))
}

// requestKeys are the keys of a client message.
var requestKeys = []string{"type", "names", "pairs"}

// ParseRequest decodes the client message b with p: a JSON object with "type"
// "subscribe" or "unsubscribe" and optional "names" (strings) and "pairs" (arrays of two
// strings), or "{}" (nothing). It is strict as every JSON symscore reads (package
// jsonstrict): no unknown or repeated key, RFC 8259 escapes only. Every name follows the
// rule for names (package ident) with at most maxNameBytes bytes, but for the topics and
// the wildcard, which a pair may not hold; a message lists at most maxItems names and
// pairs together. The error says what is wrong (IsBadRequest) quoting at most 40 bytes.
// Nothing of b or p is kept.
func ParseRequest(p *fastjson.Parser, b []byte, maxNameBytes, maxItems int) (Request, error) {
	var r Request
	o, err := parseObject(p, b, "a client message", "a JSON object", requestKeys)
	if err != nil {
		return r, err
	}
	if o.Len() == 0 {
		return r, nil
	}
	t := o.Get("type")
	if t == nil {
		return r, badRequest(`a client message needs "type": "subscribe" or "unsubscribe"`)
	}
	switch tb, _ := t.StringBytes(); string(tb) {
	case "subscribe":
	case "unsubscribe":
		r.Unsubscribe = true
	default:
		return r, badRequest(`"type" is %s; it must be "subscribe" or "unsubscribe"`, clip(t.String()))
	}
	if err := parseLists(o, &r, maxNameBytes, maxItems); err != nil {
		return Request{}, err
	}
	return r, nil
}

// listKeys are the keys of the lists alone (ParseLists).
var listKeys = []string{"names", "pairs"}

// ParseLists decodes b, the lists of a subscribe or an unsubscribe without its "type":
// {"names":[...],"pairs":[...]}, either list optional — the second argument of the RPC
// endpoint's symscore.subscribe and symscore.unsubscribe (docs/rpc.md 5). It checks what
// ParseRequest checks; "{}" asks for nothing (a subscribe of nothing, answered all the
// same). The Request is a subscribe: the caller sets Unsubscribe. Nothing of b or p is
// kept.
func ParseLists(p *fastjson.Parser, b []byte, maxNameBytes, maxItems int) (Request, error) {
	var r Request
	o, err := parseObject(p, b, "the lists", `a JSON object {"names":[...],"pairs":[...]}`, listKeys)
	if err != nil {
		return r, err
	}
	if err := parseLists(o, &r, maxNameBytes, maxItems); err != nil {
		return Request{}, err
	}
	return r, nil
}

// parseObject parses b with p into a JSON object of the keys keys alone (package
// jsonstrict's rules); what names it in messages, shape says what it must be.
func parseObject(p *fastjson.Parser, b []byte, what, shape string, keys []string) (*fastjson.Object, error) {
	o, err := jsonstrict.ParseObject(p, b, what, shape, keys...)
	if err != nil {
		return nil, badRequest("%v", err)
	}
	return o, nil
}

// parseLists reads the optional "names" and "pairs" of o into r; with neither, r.Names is
// empty, not nil (a request for nothing that is still a request).
func parseLists(o *fastjson.Object, r *Request, maxNameBytes, maxItems int) error {
	items := 0
	if nv := o.Get("names"); nv != nil {
		arr, err := nv.Array()
		if err != nil {
			return badRequest(`"names" must be an array of strings, not %s`, nv.Type())
		}
		if items += len(arr); items > maxItems {
			return badRequest("%d names; a message may list at most %d names and pairs (limits.max_subscriptions)", len(arr), maxItems)
		}
		r.Names = make([]string, 0, len(arr))
		for i, e := range arr {
			name, err := nameAt(e, maxNameBytes, true)
			if err != nil {
				return badRequest("names[%d] %v", i, err)
			}
			r.Names = append(r.Names, name)
		}
	}
	if pv := o.Get("pairs"); pv != nil {
		arr, err := pv.Array()
		if err != nil {
			return badRequest(`"pairs" must be an array of [name, name] arrays, not %s`, pv.Type())
		}
		if items += len(arr); items > maxItems {
			return badRequest("%d names and pairs; a message may list at most %d (limits.max_subscriptions)", items, maxItems)
		}
		r.Pairs = make([][2]string, 0, len(arr))
		for i, e := range arr {
			pair, err := e.Array()
			if err != nil || len(pair) != 2 {
				return badRequest("pairs[%d] must be an array of two attribute names", i)
			}
			var pr [2]string
			for k, ev := range pair {
				if pr[k], err = nameAt(ev, maxNameBytes, false); err != nil {
					return badRequest("pairs[%d][%d] %v", i, k, err)
				}
			}
			r.Pairs = append(r.Pairs, pr)
		}
	}
	if r.Names == nil && r.Pairs == nil {
		// "type" alone: a valid message that asks for nothing (a keepalive).
		r.Names = []string{}
	}
	return nil
}

// nameAt reads a name: a string following the rule for names, or (when special) a topic
// or the wildcard.
func nameAt(v *fastjson.Value, maxNameBytes int, special bool) (string, error) {
	b, err := v.StringBytes()
	if err != nil {
		return "", fmt.Errorf("must be a string, not %s", v.Type())
	}
	name := string(b)
	if isSpecial(name) {
		if !special {
			return "", fmt.Errorf("is %s: a pair holds attribute names, not topics or %q", strconv.Quote(name), Wildcard)
		}
		return name, nil
	}
	if err := ident.CheckName(name, maxNameBytes); err != nil {
		return "", fmt.Errorf("%s %v", clip(strconv.Quote(name)), err)
	}
	return name, nil
}

// isSpecial reports whether name is a topic or the wildcard rather than an attribute.
func isSpecial(name string) bool {
	switch name {
	case Wildcard, TopicProject, TopicModels, TopicLog:
		return true
	}
	return false
}

// clip cuts a quoted text to at most 40 bytes of input.
func clip(s string) string {
	if len(s) > 42 {
		return s[:41] + `..."`
	}
	return s
}
