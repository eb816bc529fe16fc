package protocol

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// headerFields is what a header parse leaves in a Parser's message.
func headerFields(p *Parser) [][]byte {
	return append([][]byte{p.msg.Date, p.msg.MD5, p.msg.Signature, p.msg.CID}, p.msg.ExtraKeys...)
}

// diffHeader parses h with parseHeaderFast and with the reference, parseHeaderJSON, each
// on a fresh Parser, and says how they disagree ("" if they do not): when the fast path
// accepts h, the reference must accept it with the same strings and extra keys.
func diffHeader(h []byte) (fast bool, diff string) {
	var pf, pr Parser
	fast = pf.parseHeaderFast(h)
	err := pr.parseHeaderJSON(h, 0, len(h))
	if !fast {
		return false, ""
	}
	if err != nil {
		return true, fmt.Sprintf("fast path accepts, reference refuses: %v", err)
	}
	got, want := headerFields(&pf), headerFields(&pr)
	if len(got) != len(want) || len(pf.msg.ExtraKeys) != len(pr.msg.ExtraKeys) {
		return true, fmt.Sprintf("fields %q vs %q", got, want)
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			return true, fmt.Sprintf("field %d: %q vs %q", i, got[i], want[i])
		}
	}
	return true, ""
}

// headerGen writes random headers: mostly the shape clients send, and every deviation
// the grammar allows or refuses — key order, absent, duplicate and unknown keys,
// whitespace, escapes, control characters, non-ASCII and invalid UTF-8, wrong array
// lengths and element types, truncation.
type headerGen struct {
	r     *rand.Rand
	b     strings.Builder
	plain bool // everything written so far is what parseHeaderFast must accept
}

func (g *headerGen) chance(perMille int) bool { return g.r.IntN(1000) < perMille }

func (g *headerGen) ws() {
	if g.chance(100) {
		g.b.WriteString([]string{" ", "\t", "\n", "\r", "  \n"}[g.r.IntN(5)])
	}
}

func (g *headerGen) str() {
	if g.chance(30) {
		g.plain = false
		g.b.WriteString([]string{`1`, `null`, `true`, `["a"]`, `{}`, `-2.5e3`}[g.r.IntN(6)])
		return
	}
	g.b.WriteByte('"')
	dirty := g.chance(60) // escapes and raw bytes the fast path leaves to the reference
	for range g.r.IntN(30) {
		switch {
		case dirty && g.chance(150):
			g.plain = false
			g.b.WriteString([]string{`\"`, `\\`, `\/`, `\u0041`, `\n`, `\t`, `\u00e9`, `\ud83d\ude00`, `\x`, `\u12`}[g.r.IntN(10)])
		case dirty && g.chance(100):
			g.plain = false
			g.b.WriteString([]string{"\x00", "\x1f", "\n", "\x7f", "é", "\u2028", "\xff", "\xc3", "😀"}[g.r.IntN(9)])
		default: // printable ASCII, written as it is
			c := byte(0x20 + g.r.IntN(0x5f))
			if c == '"' || c == '\\' {
				c = 'y'
			}
			g.b.WriteByte(c)
		}
	}
	g.b.WriteByte('"')
}

func (g *headerGen) array(n int) {
	g.b.WriteByte('[')
	g.ws()
	for i := range n {
		if i > 0 {
			g.ws()
			g.b.WriteByte(',')
			g.ws()
		}
		g.str()
	}
	g.ws()
	g.b.WriteByte(']')
}

func (g *headerGen) member(key string, n int) {
	g.b.WriteString(strconv.Quote(key))
	g.ws()
	g.b.WriteByte(':')
	g.ws()
	g.array(n)
}

func (g *headerGen) header() []byte {
	g.b.Reset()
	g.plain = true
	g.b.WriteByte('{')
	g.ws()
	nh := 4
	if g.chance(50) {
		g.plain = false
		nh = g.r.IntN(7)
	}
	ne := g.r.IntN(4)
	keys := []string{"headers", "extraKeys"}
	switch k := g.r.IntN(1000); {
	case k < 300:
		keys = []string{"extraKeys", "headers"}
	case k < 400:
		keys = []string{"headers"}
	case k < 420:
		g.plain = false
		keys = []string{"headers", "extraKeys", "headers"}
	case k < 440:
		g.plain = false
		keys = []string{"headers", "other"}
	case k < 450:
		g.plain = false
		keys = []string{"extraKeys"}
	case k < 455:
		g.plain = false
		keys = nil
	case k < 465:
		g.plain = false
		keys = []string{"head\\u0065rs", "extraKeys"}
	}
	for i, k := range keys {
		if i > 0 {
			g.ws()
			g.b.WriteByte(',')
			g.ws()
		}
		if k == "headers" {
			g.member(k, nh)
		} else if strings.Contains(k, `\`) {
			g.b.WriteString(`"` + k + `":`)
			g.array(nh)
		} else {
			g.member(k, ne)
		}
	}
	g.ws()
	g.b.WriteByte('}')
	h := []byte(g.b.String())
	switch {
	case g.chance(20):
		g.plain = false
		h = h[:g.r.IntN(len(h))+1]
	case g.chance(10):
		g.plain = false
		h = append(h, []byte{' ', '}', ',', 'x'}[g.r.IntN(4)])
	}
	return h
}

// TestHeaderFastDifferential: on generated headers, the one-pass scanner accepts only
// what the fastjson reference accepts, with the same strings, and accepts every header of
// the shape clients send.
func TestHeaderFastDifferential(t *testing.T) {
	g := &headerGen{r: rand.New(rand.NewPCG(41, 42))}
	n := 200_000
	if testing.Short() || raceEnabled {
		n = 20_000
	}
	accepted := 0
	for i := range n {
		h := g.header()
		fast, diff := diffHeader(h)
		if diff != "" {
			t.Fatalf("header %d %q: %s", i, h, diff)
		}
		if g.plain && !fast {
			t.Fatalf("header %d %q: the shape clients send, declined by the fast path", i, h)
		}
		if fast {
			accepted++
		}
	}
	if accepted < n/4 || accepted == n {
		t.Fatalf("%d of %d headers took the fast path: the generator is off", accepted, n)
	}
}

// TestHeaderFastCases: headers the fast path must take, and ones it must leave to the
// reference.
func TestHeaderFastCases(t *testing.T) {
	take := []string{
		`{"headers":["d","m","s","c"],"extraKeys":["p","m1"]}`,
		`{"extraKeys":[],"headers":["d","m","s","c"]}`,
		`{"headers":["","","",""]}`,
		"{ \"headers\" : [ \"d\" ,\t\"m\",\n\"s\",\r\"c\" ] , \"extraKeys\" : [ \"k\" ] }",
		`{"headers":["2025-11-16 20:11:50;294669000","bPXTb+OmmWaRw/5xwdpfyw==","uGFPh96htcxQ7/vtI6RCjuMAVje92dcq617z+RMjQWM=","c1"],"extraKeys":["irisTest","testLDA"]}`,
	}
	leave := []string{
		`{"headers":["d","m","s","c\u0041"],"extraKeys":[]}`, // escape
		`{"headers":["d","m","s","c"],"extraKeys":["a\u0000"]}`,
		"{\"headers\":[\"d\",\"m\",\"s\",\"c\x7f\"]}", // DEL
		`{"headers":["d","m","s","é"]}`,               // non-ASCII
		`{"headers":["d","m","s"]}`,
		`{"headers":["d","m","s","c","e"]}`,
		`{"headers":["d","m","s",1]}`,
		`{"headers":["d","m","s","c"],"headers":["d","m","s","c"]}`,
		`{"headers":["d","m","s","c"],"extraKeys":[],"extraKeys":[]}`,
		`{"headers":["d","m","s","c"],"other":[]}`,
		`{"extraKeys":[]}`,
		`{}`,
		`{"headers":["d","m","s","c"]} `,
		`{"headers":["d","m","s","c"],}`,
		`{"headers":["d","m","s","c"]`,
		`{"headers":["d","m","s","c"],"extraKeys":["a",]}`,
		`{"headers":["d","m","s","c"],"extraKeys":null}`,
	}
	for _, h := range take {
		if fast, diff := diffHeader([]byte(h)); !fast || diff != "" {
			t.Errorf("%q: fast %v, %s", h, fast, diff)
		}
	}
	for _, h := range leave {
		if fast, _ := diffHeader([]byte(h)); fast {
			t.Errorf("%q: taken by the fast path", h)
		}
	}
}

// FuzzHeaderFast: the one-pass scanner never panics and accepts only what the fastjson
// reference accepts, with the same strings; seeded with the headers of real messages.
func FuzzHeaderFast(f *testing.F) {
	for _, name := range []string{"ws_learn_vector.txt", "ws_predict_vector.txt"} {
		msg := readTestdata(f, name)
		comma := bytes.IndexByte(msg, ',')
		n, err := strconv.Atoi(string(msg[:comma]))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(msg[comma+1 : comma+1+n])
	}
	g := &headerGen{r: rand.New(rand.NewPCG(43, 44))}
	for range 20 {
		f.Add(g.header())
	}
	f.Fuzz(func(t *testing.T, h []byte) {
		if len(h) == 0 || h[0] != '{' {
			return // parseHeader refuses these before either path
		}
		orig := bytes.Clone(h)
		if _, diff := diffHeader(h); diff != "" {
			t.Fatalf("%q: %s", h, diff)
		}
		if !bytes.Equal(h, orig) {
			t.Fatal("a header parse modified its input")
		}
	})
}
