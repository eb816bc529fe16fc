package rpcapi_test

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/symscore/symscore/internal/testkit/rawws"
	"github.com/symscore/symscore/internal/testkit/wslinkc"
)

// TestBinaryDataFrames: learn, forget and predict take the binary form of a DataFrame of
// C and B columns, with the same effect as the JSON form of the same values (1.x: the data
// travels as an attachment).
func TestBinaryDataFrames(t *testing.T) {
	s := start(t, nil)
	for _, v := range versions {
		t.Run(name(v), func(t *testing.T) {
			c := signedIn(t, s, v)
			var rows []any
			var vals []float64
			for i := range 60 {
				x, z := float64(i)*0.37, math.Sin(float64(i))
				b := float64(i % 2)
				vals = append(vals, x, z, b)
				rows = append(rows, strs(strconv.FormatFloat(x, 'g', -1, 64), strconv.FormatFloat(z, 'g', -1, 64), strconv.Itoa(i%2)))
			}
			names, types := strs("x", "z", "b"), strs("C", "C", "B")
			bin := func(n int) map[string]any {
				return map[string]any{"attributeNames": names, "attributeTypes": types, "rows": n, "data": floats(vals[:3*n]...)}
			}
			js := func(n int) map[string]any {
				return map[string]any{"attributeNames": names, "attributeTypes": types, "data": rows[:n]}
			}
			for _, pid := range []string{"bin", "json"} {
				must(t, c, "symscore.project.create", pid+name(v), "cpu", nil)
			}
			must(t, c, "symscore.learn", "bin"+name(v), bin(60))
			must(t, c, "symscore.learn", "json"+name(v), js(60))
			must(t, c, "symscore.forget", "bin"+name(v), bin(20))
			must(t, c, "symscore.forget", "json"+name(v), js(20))
			ctxs := []any{map[string]any{"inputAttributeNames": strs("x", "z")}, map[string]any{"inputAttributeNames": strs("x", "b")}}
			a := must(t, c, "symscore.explore", "bin"+name(v), "bi", ctxs)
			b := must(t, c, "symscore.explore", "json"+name(v), "bi", ctxs)
			if !reflect.DeepEqual(a, b) || len(a.([]any)) != 2 {
				t.Fatalf("binary %v, JSON %v", a, b)
			}
			must(t, c, "symscore.build", "bin"+name(v), "lda", "m", map[string]any{"inputAttributeNames": strs("x", "z"), "targetAttributeNames": strs("b")})
			pb := must(t, c, "symscore.predict", "bin"+name(v), "m", bin(60))
			pj := must(t, c, "symscore.predict", "bin"+name(v), "m", js(60))
			if !reflect.DeepEqual(pb, pj) || len(pb.([]any)) != 60 {
				t.Fatalf("predict binary %v, JSON %v", pb, pj)
			}
			// A refusal of the binary form is the DataFrame's.
			bad := bin(2)
			bad["data"] = floats(1, 2, 0, 4, 5, 7)
			if e := refused(t, c, -32001, "BAD_REQUEST", "symscore.learn", "bin"+name(v), bad); e.Message != `row 1, column "b": "7" is not 0 or 1` {
				t.Fatalf("%q", e.Message)
			}
		})
	}
}

// TestAttachmentsBothWays: a 1.x client's attachments — one header for several keys, a
// key the message does not use — and the server's: a header naming the key, the binary
// frame, then the message using it, back to back; the server numbers its own keys.
func TestAttachmentsBothWays(t *testing.T) {
	s := start(t, nil)
	rest := s.REST("c1", "A1ciUrDJgm5LIJU710bxeQ==")
	irisProject(t, rest, "att")
	c := signedIn(t, s, 1)
	must(t, c, "symscore.build", "att", "lda", "m1", ldaContext())
	// A raw connection, to see every frame.
	c2 := rawws.DialWS(t, s.Addr(), "/symetry/ws/rpc")
	c2.SendMessage(ws.OpText, mustJSON(t, map[string]any{"wslink": "1.0", "id": "system:c0:0", "method": "wslink.hello",
		"args": []any{map[string]any{"secret": wslinkc.SignedHello(t, "c1", "A1ciUrDJgm5LIJU710bxeQ==", c.URL)}}, "kwargs": map[string]any{}}))
	if _, p := c2.ReadMessage(); !json.Valid(p) {
		t.Fatalf("hello: %s", p)
	}
	for i := range 2 {
		c2.SendMessage(ws.OpText, []byte(`{"wslink":"1.0","method":"wslink.binary.attachment","args":["wslink_bin7","wslink_bin8"]}`))
		c2.SendMessage(ws.OpBinary, []byte("ignored"))
		c2.SendMessage(ws.OpBinary, floats(6.3, 3.3))
		c2.SendMessage(ws.OpText, mustJSON(t, map[string]any{"wslink": "1.0", "id": "rpc:x:" + strconv.Itoa(i), "method": "symscore.predict_matrix",
			"args": []any{"att", "m1", map[string]any{"columns": strs("sepal_length", "sepal_width"), "rows": 1, "data": "wslink_bin8"}}, "kwargs": map[string]any{}}))
		c2.NC.SetReadDeadline(time.Now().Add(10 * time.Second))
		op, hdr := c2.ReadMessage()
		want := `{"wslink":"1.0","method":"wslink.binary.attachment","args":["wslink_bin` + strconv.Itoa(i+1) + `"]}`
		if op != ws.OpText || string(hdr) != want {
			t.Fatalf("attachment header %q, want %q", hdr, want)
		}
		op, data := c2.ReadMessage()
		if op != ws.OpBinary || len(data) != 6*8 {
			t.Fatalf("attachment: %v of %d bytes", op, len(data))
		}
		op, msg := c2.ReadMessage()
		var m map[string]any
		if err := json.Unmarshal(msg, &m); op != ws.OpText || err != nil {
			t.Fatalf("message %s: %v", msg, err)
		}
		if r := m["result"].(map[string]any); r["data"] != "wslink_bin"+strconv.Itoa(i+1) || m["id"] != "rpc:x:"+strconv.Itoa(i) {
			t.Fatalf("message %s", msg)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
