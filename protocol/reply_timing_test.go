package protocol

import (
	"encoding/json"
	"strconv"
	"testing"
)

func BenchmarkReplyOK(b *testing.B) {
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendOK(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
	if string(buf) != okReply {
		b.Fatalf("wrong reply %s", buf)
	}
}

func BenchmarkReplyError(b *testing.B) {
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendReply(buf[:0], StatusBadRequest, `row 3, column "sepal_width": "abc" is not a number`)
	}
	b.SetBytes(int64(len(buf)))
	if !json.Valid(buf) {
		b.Fatalf("invalid reply %s", buf)
	}
}

// predictRow is one row of an LDA predict reply: the keys of the SymetryML documentation.
var predictKeys = []string{"res", "normZ", "resZ", "z0", "z1LTz0"}
var predictVals = []float64{1, 0.2929126883636288, -0.4559922893809558, -3.840891864408894, 0}

func appendPredictReply(dst []byte, rows int) []byte {
	dst = AppendEnvelopeOpen(dst, StatusOK, "OK")
	dst = AppendKSVSMapOpen(dst)
	for r := 0; r < rows; r++ {
		if r > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		for i, k := range predictKeys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSONString(dst, k)
			dst = append(dst, ':')
			dst = AppendFloatString(dst, predictVals[i]+float64(r))
		}
		dst = append(dst, '}')
	}
	dst = AppendKSVSMapClose(dst)
	return AppendEnvelopeClose(dst)
}

func BenchmarkReplyKSVSMap(b *testing.B) {
	for _, rows := range []int{1, 100} {
		b.Run("rows="+strconv.Itoa(rows), func(b *testing.B) {
			buf := appendPredictReply(nil, rows)
			b.ReportAllocs()
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				buf = appendPredictReply(buf[:0], rows)
			}
			var v struct {
				Values struct {
					KSVSMap struct {
						Values []map[string]string `json:"values"`
					} `json:"KSVSMap"`
				} `json:"values"`
			}
			if err := json.Unmarshal(buf, &v); err != nil || len(v.Values.KSVSMap.Values) != rows {
				b.Fatalf("wrong reply: %v, %d rows", err, len(v.Values.KSVSMap.Values))
			}
		})
	}
}

// BenchmarkReplyKSVSMapStdlib is the baseline: encoding/json marshalling the same replies.
func BenchmarkReplyKSVSMapStdlib(b *testing.B) {
	type reply struct {
		StatusCode   string `json:"statusCode"`
		StatusString string `json:"statusString"`
		Values       struct {
			KSVSMap struct {
				Values []map[string]string `json:"values"`
			} `json:"KSVSMap"`
		} `json:"values"`
	}
	for _, rows := range []int{1, 100} {
		b.Run("rows="+strconv.Itoa(rows), func(b *testing.B) {
			var out []byte
			b.ReportAllocs()
			for b.Loop() {
				r := reply{StatusCode: "OK", StatusString: "OK"}
				for i := 0; i < rows; i++ {
					m := make(map[string]string, len(predictKeys))
					for j, k := range predictKeys {
						m[k] = strconv.FormatFloat(predictVals[j]+float64(i), 'g', -1, 64)
					}
					r.Values.KSVSMap.Values = append(r.Values.KSVSMap.Values, m)
				}
				var err error
				if out, err = json.Marshal(&r); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(out)))
		})
	}
}

// BenchmarkAppendFloat: one predict value formatted, next to the baseline strconv
// (the same bytes).
func BenchmarkAppendFloat(b *testing.B) {
	for _, v := range []float64{0.2929126883636288, -3.840891864408894, 1, 123.25} {
		want := strconv.AppendFloat(nil, v, 'g', -1, 64)
		b.Run("protocol/"+string(want), func(b *testing.B) {
			buf := make([]byte, 0, 32)
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendFloat(buf[:0], v)
			}
			if string(buf) != string(want) {
				b.Fatalf("wrote %s, want %s", buf, want)
			}
		})
		b.Run("baseline_strconv/"+string(want), func(b *testing.B) {
			buf := make([]byte, 0, 32)
			b.ReportAllocs()
			for b.Loop() {
				buf = strconv.AppendFloat(buf[:0], v, 'g', -1, 64)
			}
		})
	}
}
