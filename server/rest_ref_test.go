package server_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
)

// The in-process reference of the REST tests: the same project, models, predictions and
// statistics computed with the model package directly, and the wire values decoded for
// comparison.

// refProject learns frame into a project made in process.
func refProject(t *testing.T, frame []byte, typ string, params map[string]string) *model.Project {
	t.Helper()
	p, err := model.NewProject("ref", typ, params)
	if err != nil {
		t.Fatal(err)
	}
	var dp dataframe.Parser
	f, err := dp.Parse(frame, dataframe.Options{PartitionColumn: p.PartitionColumn()})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Learn(f); err != nil {
		t.Fatal(err)
	}
	return p
}

func refBuild(t *testing.T, p *model.Project, algo, id, ctx string) *model.Model {
	t.Helper()
	mc, err := model.ParseMLContext([]byte(ctx))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p.Snapshot(), algo, id, mc)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// refPredict scores rows (cells by name; "" missing) with m directly: inputs by name,
// missing ones imputed by the means or, with impute, by m.Impute; values written as the
// wire writes them.
func refPredict(m *model.Model, names []string, rows [][]string, impute bool) []map[string]string {
	var out []map[string]string
	for _, row := range rows {
		x := make([]float64, len(m.Inputs()))
		miss := make([]bool, len(x))
		for j, in := range m.Inputs() {
			x[j], miss[j] = math.NaN(), true
			for c, n := range names {
				if n == in && row[c] != "" {
					v, err := strconv.ParseFloat(row[c], 64)
					if err != nil {
						panic(err)
					}
					x[j], miss[j] = v, false
				}
			}
			if miss[j] && !impute {
				x[j] = m.InputMeans()[j]
			}
		}
		if impute {
			if err := m.Impute(x, miss); err != nil {
				panic(err)
			}
		}
		res := make([]float64, len(m.Outputs()))
		m.Predict(x, res)
		row := map[string]string{}
		for i, o := range m.Outputs() {
			switch o.Kind {
			case model.OutputClass:
				row[o.Key] = m.Classes()[int(res[i])]
			case model.OutputBool:
				row[o.Key] = strconv.FormatBool(res[i] == 1)
			default:
				row[o.Key] = strconv.FormatFloat(res[i], 'g', -1, 64)
			}
		}
		out = append(out, row)
	}
	return out
}

func derefAll(rows []map[string]*string) []map[string]string {
	var out []map[string]string
	for _, r := range rows {
		m := map[string]string{}
		for k, v := range r {
			if v == nil {
				m[k] = "<null>"
			} else {
				m[k] = *v
			}
		}
		out = append(out, m)
	}
	return out
}

func derefNums(r map[string]*float64) map[string]string {
	m := map[string]string{}
	for k, v := range r {
		if v == nil {
			m[k] = "null"
		} else {
			m[k] = strconv.FormatFloat(*v, 'g', -1, 64)
		}
	}
	return m
}

func finiteOrNil(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
