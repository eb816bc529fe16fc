package model

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/protocol"
)

// irisPredictFrame is a predict DataFrame of n rows cycling through the iris measurements,
// its columns in another order than the model's inputs, plus one the model does not use.
func irisPredictFrame(tb testing.TB, n int) []byte {
	g := loadIris(tb)
	var sb strings.Builder
	sb.WriteString(`{"attributeNames":["petal_width","unused","sepal_length","petal_length","sepal_width"],"attributeTypes":["C","C","C","C","C"],"data":[`)
	for r := range n {
		x := g.Data.X[r%len(g.Data.X)]
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`["` + strconv.FormatFloat(x[3], 'g', -1, 64) + `","42","` + strconv.FormatFloat(x[0], 'g', -1, 64) +
			`","` + strconv.FormatFloat(x[2], 'g', -1, 64) + `","` + strconv.FormatFloat(x[1], 'g', -1, 64) + `"]`)
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

// framePredictor is what a server keeps to answer predict DataFrames with one model: the
// frame column of each input (the plan) and each output's encoded `"key":`.
type framePredictor struct {
	m    *Model
	col  []int // model input → frame column
	keys [][]byte
	x    []float64
	out  []float64
}

func newFramePredictor(m *Model) *framePredictor {
	fp := &framePredictor{m: m, x: make([]float64, len(m.Inputs())), out: make([]float64, len(m.Outputs()))}
	for _, o := range m.Outputs() {
		fp.keys = append(fp.keys, append(protocol.AppendJSONString(nil, o.Key), ':'))
	}
	return fp
}

// plan maps f's columns to the model's inputs (every input must be present).
func (fp *framePredictor) plan(f *dataframe.Frame) {
	fp.col = fp.col[:0]
	for _, in := range fp.m.Inputs() {
		c := -1
		for i, name := range f.Names {
			if string(name) == in {
				c = i
			}
		}
		fp.col = append(fp.col, c)
	}
}

// appendReply scores every row of f and appends the KSVSMap reply.
func (fp *framePredictor) appendReply(dst []byte, f *dataframe.Frame) []byte {
	dst = protocol.AppendEnvelopeOpen(dst, protocol.StatusOK, "OK")
	dst = protocol.AppendKSVSMapOpen(dst)
	w := len(f.Names)
	classes := fp.m.Classes()
	for r := range f.Rows {
		row := f.Vals[r*w : (r+1)*w]
		for j, c := range fp.col {
			fp.x[j] = row[c]
		}
		fp.m.Predict(fp.x, fp.out)
		if r > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		for i, o := range fp.m.Outputs() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, fp.keys[i]...)
			switch v := fp.out[i]; o.Kind {
			case OutputClass:
				dst = protocol.AppendJSONString(dst, classes[int(v)])
			case OutputBool:
				if v == 1 {
					dst = append(dst, `"true"`...)
				} else {
					dst = append(dst, `"false"`...)
				}
			default:
				dst = protocol.AppendFloatString(dst, v)
			}
		}
		dst = append(dst, '}')
	}
	dst = protocol.AppendKSVSMapClose(dst)
	return protocol.AppendEnvelopeClose(dst)
}

// BenchmarkPredictFrame is the batch predict of a 1000-row JSON DataFrame with the iris
// lda model, in process, in its steps: parse (dataframe), then plan (frame columns to
// inputs) and score every row, then encode the KSVSMap reply (protocol, shortest floats,
// keys encoded once). One op is one DataFrame; ns/row is the figure of the goal.
func BenchmarkPredictFrame(b *testing.B) {
	const rows = 1000
	g := loadIris(b)
	m := mustBuild(b, irisCPU(g).snapshot(), "lda", MLContext{InputNames: irisNames, TargetNames: []string{"species$virginica"}})
	payload := irisPredictFrame(b, rows)
	opts := dataframe.Options{Mode: dataframe.ModePredict}
	fp := newFramePredictor(m)
	var parser dataframe.Parser
	reply := make([]byte, 0, 256<<10)
	perRow := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
	}
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			if _, err := parser.Parse(payload, opts); err != nil {
				b.Fatal(err)
			}
		}
		perRow(b)
	})
	step := func() {
		f, err := parser.Parse(payload, opts)
		if err != nil {
			b.Fatal(err)
		}
		fp.plan(f)
		reply = fp.appendReply(reply[:0], f)
	}
	step() // warm-up, and the check of the reply
	var v struct {
		Values struct {
			KSVSMap struct {
				Values []map[string]string `json:"values"`
			} `json:"KSVSMap"`
		} `json:"values"`
	}
	if err := json.Unmarshal(reply, &v); err != nil || len(v.Values.KSVSMap.Values) != rows || v.Values.KSVSMap.Values[0]["res"] == "" {
		b.Fatalf("wrong reply: %v, %d rows", err, len(v.Values.KSVSMap.Values))
	}
	b.Run("parse+plan+score+encode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			step()
		}
		perRow(b)
	})
}
