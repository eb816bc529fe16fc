package ops

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// MatrixArgs name a prediction of a float64 matrix: the binary scoring path (the RPC
// endpoint's predict_matrix).
type MatrixArgs struct {
	PID, ModelID string
	// Columns are the matrix's column names (C and B values by attribute name), only read.
	Columns [][]byte
	// Rows is the number of rows.
	Rows int
	// Data holds Rows × len(Columns) float64 values, little-endian, row-major; NaN is a
	// missing input. It is read in place, row by row, and not kept.
	Data []byte
	// Plan, when not nil, is the caller's plan, kept from call to call (rebuilt only when
	// the model or the columns change); nil uses the scratch's.
	Plan *model.Plan
}

// Matrix is the scores of a matrix: Rows() rows of len(Model().Outputs()) values, in the
// model's output order (class indexes and 0/1 as numbers, as model.Model.Predict writes
// them). Valid until the scratch that made it is released or predicts again.
type Matrix struct {
	model *model.Model
	rows  int
	outs  []float64
}

// Model is the model that scored the rows.
func (m *Matrix) Model() *model.Model { return m.model }

// Rows is the number of rows scored.
func (m *Matrix) Rows() int { return m.rows }

// Values are the scores, Rows() × len(Model().Outputs()), row-major. The slice is the
// scratch's: read it, do not keep it.
func (m *Matrix) Values() []float64 { return m.outs }

// PredictMatrix scores every row of a.Data with model a.ModelID of project a.PID, each as
// Predict scores the DataFrame row of the same names and values (the same bits): a NaN
// input, or a model input no column names, is imputed with the project mean at build
// time; columns the model does not use are ignored. Refusals (BAD_REQUEST): a column name
// that is not a valid name or comes twice, more columns or rows than the limits, data
// whose length is not Rows × columns × 8, an infinite value. The values are decoded in
// place, one row at a time into the scratch; it allocates nothing after warm-up (unless
// the plan must grow).
func (s *Service) PredictMatrix(sc *Scratch, c Customer, a *MatrixArgs) (*Matrix, error) {
	p, err := s.findProject(c, a.PID)
	if err != nil {
		return nil, err
	}
	m, err := p.FindModel(a.ModelID)
	if err != nil {
		return nil, s.Refuse(err)
	}
	pl := a.Plan
	if pl == nil {
		pl = &sc.plan
	}
	width := len(a.Columns)
	if !pl.FitsColumns(m, a.Columns) {
		if err := sc.df.CheckColumns(a.Columns, s.predictOpts); err != nil {
			return nil, s.Refuse(err)
		}
	}
	switch lim := s.predictOpts; {
	case a.Rows < 0:
		return nil, s.Refuse(protocol.Errorf(protocol.StatusBadRequest, `"rows" must not be negative`))
	case a.Rows > lim.MaxRows:
		return nil, s.Refuse(&dataframe.Error{Row: -1, Column: -1, Err: dataframe.ErrTooManyRows,
			Msg: "matrix has " + strconv.Itoa(a.Rows) + " rows; the limit is " + strconv.Itoa(lim.MaxRows)})
	case width > 0 && a.Rows > len(a.Data)/(8*width) || len(a.Data) != 8*width*a.Rows:
		return nil, s.Refuse(protocol.Errorf(protocol.StatusBadRequest,
			`"data" holds %d bytes, not rows × columns × 8 = %d × %d × 8`, len(a.Data), a.Rows, width))
	}
	pl.PrepareColumns(m, a.Columns)
	k := len(m.Outputs())
	sc.outs = grow(sc.outs, a.Rows*k)
	sc.row = grow(sc.row, width)
	row := sc.row
	for r := range a.Rows {
		src := a.Data[8*width*r : 8*width*(r+1)]
		for j := range row {
			v := math.Float64frombits(binary.LittleEndian.Uint64(src[8*j:]))
			if math.IsInf(v, 0) {
				return nil, s.Refuse(protocol.Errorf(protocol.StatusBadRequest, "row %d, column %s: %v is not a finite number",
					r, QuoteInput(string(a.Columns[j])), v))
			}
			row[j] = v
		}
		if err := pl.ScoreRow(row, false, sc.outs[r*k:(r+1)*k]); err != nil {
			return nil, s.Refuse(err)
		}
	}
	s.metrics.predicted.Add(float64(a.Rows))
	sc.matrix = Matrix{model: m, rows: a.Rows, outs: sc.outs}
	return &sc.matrix, nil
}
