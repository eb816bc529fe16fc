package bench

import (
	"math/rand/v2"
	"strconv"
)

// irisColumns are the 15 columns of a learn DataFrame, as in the protocol's known-answer
// message: 4 continuous measures, 8 binned indicators, 3 class indicators.
var irisColumns = []string{
	"sepal_length", "sepal_width", "petal_length", "petal_width",
	"sepal_lengt_b1", "sepal_lengt_b2", "sepal_width_b1", "sepal_width_b2",
	"petal_length_b1", "petal_length_b2", "petal_width_b1", "petal_width_b2",
	"Iris_setosa", "Iris_versicolor", "Iris_virginica",
}

// PredictPayload is a one-row DataFrame with the four continuous iris inputs, the payload of
// a predict message.
func PredictPayload() []byte {
	return []byte(`{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width"],` +
		`"data":[["5.1","3.5","1.4","0.2"]],"attributeTypes":["C","C","C","C"]}`)
}

// irisMeans are the per-class means of the four measures (setosa, versicolor, virginica).
var irisMeans = [3][4]float64{
	{5.0, 3.4, 1.5, 0.2},
	{5.9, 2.8, 4.3, 1.3},
	{6.6, 3.0, 5.6, 2.0},
}

// LearnPayload is a DataFrame of rows iris-like rows of 15 columns (see irisColumns): the
// class is drawn at random, the measures around its means, the binned columns from the
// measures. The same seed gives the same bytes.
func LearnPayload(rows int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	b := []byte(`{"attributeNames":[`)
	for i, name := range irisColumns {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, name)
	}
	b = append(b, `],"data":[`...)
	for r := range rows {
		if r > 0 {
			b = append(b, ',')
		}
		class := rng.IntN(3)
		var x [4]float64
		for j := range x {
			x[j] = max(0.1, irisMeans[class][j]+0.3*rng.NormFloat64())
		}
		cells := make([]string, 0, len(irisColumns))
		for _, v := range x {
			cells = append(cells, strconv.FormatFloat(v, 'f', 1, 64))
		}
		for j, v := range x {
			hi := v > (irisMeans[0][j]+irisMeans[2][j])/2
			cells = append(cells, bit(!hi), bit(hi))
		}
		for c := range 3 {
			cells = append(cells, bit(c == class))
		}
		b = append(b, '[')
		for j, c := range cells {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, c)
		}
		b = append(b, ']')
	}
	b = append(b, `],"attributeTypes":["C","C","C","C"`...)
	for range len(irisColumns) - 4 {
		b = append(b, `,"B"`...)
	}
	return append(b, "]}"...)
}

func bit(v bool) string {
	if v {
		return "1"
	}
	return "0"
}
