package live

import (
	"strconv"
	"time"

	"github.com/symscore/symscore/protocol"
)

// The JSON of the server messages (docs/subscribe.md): one object each, "type" first.
// Numbers are JSON numbers, null when not finite; times are RFC 3339 with nanoseconds,
// UTC.

// AppendJSON appends m's JSON object to dst. A data message's JSON is encoded once, when
// its Value is made, and copied here.
func AppendJSON(dst []byte, m *Message) []byte {
	switch m.Kind {
	case KindNames:
		dst = append(dst, `{"type":"names","names":`...)
		dst = appendStrings(dst, m.Names)
		dst = append(dst, `,"initial":`...)
		dst = strconv.AppendBool(dst, m.Initial)
		return append(dst, '}')
	case KindSubscribed, KindUnsubscribed:
		dst = append(dst, `{"type":"`...)
		dst = append(dst, m.Kind.String()...)
		dst = append(dst, `","names":`...)
		dst = appendStrings(dst, m.Ack.Names)
		dst = append(dst, `,"pairs":`...)
		dst = appendPairs(dst, m.Ack.Pairs)
		if m.Kind == KindSubscribed {
			dst = append(dst, `,"pending":`...)
			dst = appendStrings(dst, m.Ack.Pending)
		}
		return append(dst, '}')
	case KindData:
		if m.Value.json != nil {
			return append(dst, m.Value.json...)
		}
		return appendValueJSON(dst, m.Value)
	case KindModel:
		e := &m.Model
		event := "built"
		if e.Deleted {
			event = "deleted"
		}
		dst = append(dst, `{"type":"model","event":"`...)
		dst = append(dst, event...)
		dst = append(dst, `","modelId":`...)
		dst = protocol.AppendJSONString(dst, e.ModelID)
		dst = append(dst, `,"modelType":`...)
		dst = protocol.AppendJSONString(dst, e.ModelType)
		dst = appendVersionTime(dst, e.Version, e.Time)
		return append(dst, '}')
	case KindLog:
		dst = append(dst, `{"type":"log","entries":[`...)
		for i, e := range m.Log {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"op":"`...)
			dst = append(dst, e.Op.String()...)
			dst = append(dst, `","rows":`...)
			dst = strconv.AppendInt(dst, e.Rows, 10)
			dst = appendVersionTime(dst, e.Version, e.Time)
			dst = append(dst, '}')
		}
		dst = append(dst, `],"dropped":`...)
		dst = strconv.AppendUint(dst, m.Dropped, 10)
		return append(dst, '}')
	case KindClosed:
		dst = append(dst, `{"type":"closed","reason":`...)
		dst = protocol.AppendJSONString(dst, m.Reason)
		return append(dst, '}')
	}
	panic("live: AppendJSON of a message of unknown kind")
}

// AppendJSONPID appends m's JSON object with "pid" added after "type":
// {"type":"data","pid":"p1","name":...}, the message as the RPC endpoint publishes it on
// a connection that carries many projects (docs/rpc.md 5).
func AppendJSONPID(dst []byte, m *Message, pid string) []byte {
	dst = append(dst, `{"type":"`...)
	dst = append(dst, m.Kind.String()...)
	dst = append(dst, `","pid":`...)
	dst = protocol.AppendJSONString(dst, pid)
	mark := len(dst)
	dst = AppendJSON(dst, m)
	// The message's own `{"type":"<kind>"` goes: what follows it, a comma and the other
	// members, moves down onto the mark.
	prefix := len(`{"type":""`) + len(m.Kind.String())
	return append(dst[:mark], dst[mark+prefix:]...)
}

// appendValueJSON is a data message's JSON.
func appendValueJSON(dst []byte, v *Value) []byte {
	dst = append(dst, `{"type":"data",`...)
	if v.Kind == ValuePair {
		dst = append(dst, `"pair":`...)
		dst = appendPair(dst, v.Pair)
	} else {
		dst = append(dst, `"name":`...)
		dst = protocol.AppendJSONString(dst, v.Name)
	}
	dst = appendVersionTime(dst, v.Version, v.Time)
	dst = append(dst, `,"values":{`...)
	switch v.Kind {
	case ValueAttribute:
		u := &v.Uni
		dst = appendNum(dst, `"count":`, u.Count)
		dst = appendNum(dst, `,"mean":`, u.Mean)
		dst = appendNum(dst, `,"variance":`, u.Variance)
		dst = appendNum(dst, `,"stddev":`, u.Stddev)
		dst = appendNum(dst, `,"min":`, u.Min)
		dst = appendNum(dst, `,"max":`, u.Max)
	case ValuePair:
		dst = appendNum(dst, `"covar":`, v.Bi.Covar)
		dst = appendNum(dst, `,"linCorr":`, v.Bi.LinCorr)
	case ValueProject:
		pv := &v.Project
		dst = append(dst, `"rows":`...)
		dst = strconv.AppendInt(dst, pv.Rows, 10)
		dst = append(dst, `,"attributes":`...)
		dst = strconv.AppendInt(dst, int64(pv.Attributes), 10)
		dst = append(dst, `,"models":`...)
		dst = strconv.AppendInt(dst, int64(pv.Models), 10)
		dst = append(dst, `,"frozen":`...)
		dst = strconv.AppendBool(dst, pv.Frozen)
		dst = append(dst, `,"lastModificationDate":"`...)
		dst = appendTime(dst, pv.LastModificationDate)
		dst = append(dst, '"')
	}
	return append(dst, "}}"...)
}

func appendNum(dst []byte, key string, f float64) []byte {
	return protocol.AppendFloat(append(dst, key...), f)
}

func appendVersionTime(dst []byte, version uint64, t time.Time) []byte {
	dst = append(dst, `,"version":`...)
	dst = strconv.AppendUint(dst, version, 10)
	dst = append(dst, `,"time":"`...)
	dst = appendTime(dst, t)
	return append(dst, '"')
}

func appendTime(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, time.RFC3339Nano)
}

func appendStrings(dst []byte, ss []string) []byte { return protocol.AppendJSONStrings(dst, ss) }

func appendPairs(dst []byte, ps [][2]string) []byte {
	dst = append(dst, '[')
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPair(dst, p)
	}
	return append(dst, ']')
}

func appendPair(dst []byte, p [2]string) []byte {
	dst = append(dst, '[')
	dst = protocol.AppendJSONString(dst, p[0])
	dst = append(dst, ',')
	dst = protocol.AppendJSONString(dst, p[1])
	return append(dst, ']')
}
