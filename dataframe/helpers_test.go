package dataframe

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// benchFrame builds a DataFrame of rows rows with nc C columns (Java-style decimals),
// nb B columns and, if withT, one T column of 5 categories.
func benchFrame(rows, nc, nb int, withT bool) string {
	r := rand.New(rand.NewPCG(uint64(rows), uint64(nc)))
	var b strings.Builder
	b.WriteString(`{"attributeNames":[`)
	var types []string
	for i := 0; i < nc+nb; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"c` + strconv.Itoa(i) + `"`)
		if i < nc {
			types = append(types, `"C"`)
		} else {
			types = append(types, `"B"`)
		}
	}
	if withT {
		b.WriteString(`,"kind"`)
		types = append(types, `"T"`)
	}
	b.WriteString(`],"attributeTypes":[` + strings.Join(types, ",") + `],"data":[`)
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j := 0; j < nc+nb; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			if j < nc {
				b.WriteString(`"` + strconv.FormatFloat(float64(r.IntN(80)+10)/10, 'f', 1, 64) + `"`)
			} else {
				b.WriteString(`"` + strconv.Itoa(r.IntN(2)) + `"`)
			}
		}
		if withT {
			b.WriteString(`,"K` + strconv.Itoa(r.IntN(5)) + `"`)
		}
		b.WriteByte(']')
	}
	b.WriteString(`]}`)
	return b.String()
}
