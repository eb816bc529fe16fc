package bench

import (
	"bytes"
	"testing"

	"github.com/valyala/fastjson"
)

func TestLearnPayload(t *testing.T) {
	for _, rows := range []int{1, 2, 100} {
		b := LearnPayload(rows, 7)
		if !bytes.Equal(b, LearnPayload(rows, 7)) || bytes.Equal(b, LearnPayload(rows, 8)) {
			t.Fatalf("%d rows: not a function of the seed", rows)
		}
		v, err := fastjson.ParseBytes(b)
		if err != nil {
			t.Fatalf("%d rows: %v", rows, err)
		}
		names, types, data := v.GetArray("attributeNames"), v.GetArray("attributeTypes"), v.GetArray("data")
		if len(names) != 15 || len(types) != 15 || len(data) != rows {
			t.Fatalf("%d rows: %d names, %d types, %d rows", rows, len(names), len(types), len(data))
		}
		for i, typ := range types {
			want := "B"
			if i < 4 {
				want = "C"
			}
			if string(typ.GetStringBytes()) != want {
				t.Fatalf("type %d is %s", i, typ)
			}
		}
		for r, row := range data {
			cells := row.GetArray()
			if len(cells) != 15 {
				t.Fatalf("row %d has %d cells", r, len(cells))
			}
			classes := 0
			for j, c := range cells {
				s, err := c.StringBytes()
				if err != nil {
					t.Fatalf("row %d cell %d is not a string: %s", r, j, c)
				}
				if j >= 4 && string(s) != "0" && string(s) != "1" {
					t.Fatalf("row %d: binary cell %d is %q", r, j, s)
				}
				if j >= 12 && string(s) == "1" {
					classes++
				}
			}
			if classes != 1 {
				t.Fatalf("row %d: %d classes", r, classes)
			}
		}
	}
}

func TestPredictPayload(t *testing.T) {
	v, err := fastjson.ParseBytes(PredictPayload())
	if err != nil || len(v.GetArray("data")) != 1 || len(v.GetArray("data", "0")) != 4 || len(v.GetArray("attributeTypes")) != 4 {
		t.Fatalf("%v: %s", err, PredictPayload())
	}
}
