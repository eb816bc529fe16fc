package rpcapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
)

// pubs reads a client's publications in order, keeping every one it has read.
type pubs struct {
	t    *testing.T
	c    *wslinkc.Client
	seen []wslinkc.Publication
}

// msg is a publication's (or an answer's) message as a map.
func msg(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// next reads publications until one on topic satisfies ok (nil: any), and returns it
// with its message; it fails the test after testenv.EventuallyTimeout.
func (p *pubs) next(topic string, ok func(m map[string]any) bool) (wslinkc.Publication, map[string]any) {
	p.t.Helper()
	timeout := time.After(testenv.EventuallyTimeout)
	for {
		select {
		case pub := <-p.c.Published:
			p.seen = append(p.seen, pub)
			if m := msg(pub.Message); pub.Topic == topic && (ok == nil || ok(m)) {
				return pub, m
			}
		case <-timeout:
			p.t.Fatalf("no publication on %s as wanted; %d seen, the last ones: %v", topic, len(p.seen), last(p.seen, 5))
		}
	}
}

// find returns a publication on topic satisfying ok among those seen, in any order, or
// waits for one as next does.
func (p *pubs) find(topic string, ok func(m map[string]any) bool) (wslinkc.Publication, map[string]any) {
	p.t.Helper()
	for _, pub := range p.seen {
		if m := msg(pub.Message); pub.Topic == topic && ok(m) {
			return pub, m
		}
	}
	return p.next(topic, ok)
}

// drain reads what was published so far without waiting.
func (p *pubs) drain() {
	for {
		select {
		case pub := <-p.c.Published:
			p.seen = append(p.seen, pub)
		default:
			return
		}
	}
}

func last(ps []wslinkc.Publication, n int) []wslinkc.Publication { return ps[max(0, len(ps)-n):] }

// dataOf reports whether m is a data message of pid's attribute name with count rows.
func dataOf(pid, name string, count float64) func(m map[string]any) bool {
	return func(m map[string]any) bool {
		return m["type"] == "data" && m["pid"] == pid && m["name"] == name && wslinkc.Number(msg(m["values"])["count"]) == count
	}
}

// xyFrame is a DataFrame of columns x and y (C) holding the rows (x, y) given as pairs.
func xyFrame(xy ...float64) map[string]any {
	var data []any
	for i := 0; i+1 < len(xy); i += 2 {
		data = append(data, strs(fmt.Sprint(xy[i]), fmt.Sprint(xy[i+1])))
	}
	return map[string]any{"attributeNames": strs("x", "y"), "attributeTypes": strs("C", "C"), "data": data}
}

// strings of a decoded array.
func stringsOf(v any) []string {
	a, _ := v.([]any)
	out := make([]string, 0, len(a))
	for _, e := range a {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
