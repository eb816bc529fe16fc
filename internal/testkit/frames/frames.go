// Package frames makes the DataFrames of the benchmarks, with the standard library alone,
// so that every package's tests can import it (model's internal tests among them, which
// cannot import internal/testkit: it imports model). Tests only.
package frames

import (
	"fmt"
	"strings"
)

// Learn1000x15 is a DataFrame of 1000 rows in the vendor's 15-column iris layout (4 C,
// 11 B): the frame of the learn figures in BENCHMARKS.md.
func Learn1000x15() string {
	var sb strings.Builder
	sb.WriteString(`{"attributeNames":["sepal_length","sepal_width","petal_length","petal_width","sepal_lengt_b1","sepal_lengt_b2","sepal_width_b1","sepal_width_b2","petal_length_b1","petal_length_b2","petal_width_b1","petal_width_b2","Iris_setosa","Iris_versicolor","Iris_virginica"],"attributeTypes":["C","C","C","C","B","B","B","B","B","B","B","B","B","B","B"],"data":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `["%.1f","%.1f","%.1f","%.1f"`, 4.3+float64(i%36)/10, 2+float64(i%24)/10, 1+float64(i%59)/10, 0.1+float64(i%25)/10)
		for j := range 11 {
			fmt.Fprintf(&sb, `,"%d"`, (i>>j)&1)
		}
		sb.WriteByte(']')
	}
	sb.WriteString(`]}`)
	return sb.String()
}
