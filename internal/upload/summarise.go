package upload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/symscore/symscore/csvdata"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
)

// Progress is what a finalize job has read so far, updated as it goes and read by whoever
// asks for the job's status. Safe for concurrent use.
type Progress struct {
	// Inferred is the bytes the type inference has read (a first pass, when the types
	// are inferred).
	Inferred atomic.Int64
	// Bytes and Rows are the bytes read and the rows summarised by the learning pass.
	Bytes atomic.Int64
	Rows  atomic.Int64
}

// SummaryOptions say how Summarise reads a file.
type SummaryOptions struct {
	// Types holds one type per column; nil infers them (csvdata's rule over the whole
	// file), taking Known (a project's types, 0 for a column it does not know) as given
	// and refusing a T column of more than MaxCategories values.
	Types         []dataframe.Type
	Known         []dataframe.Type
	MaxCategories int
	// ErrorHandling 0 fails at the first bad cell (the first in the file); 1 skips bad rows
	// and counts them.
	ErrorHandling int
	// Frame are the DataFrame rules of each batch of rows: limits, names, the partition
	// column (Mode is set to ModeLearn).
	Frame dataframe.Options
	// Partitioned: the project is a partition project (the rows carry partition values).
	Partitioned bool
	// MaxDeltaBytes bounds the memory of one part's summaries (limits.max_project_bytes).
	MaxDeltaBytes int64
	// Parts is how many parts the file is cut into, each read by its own goroutine; ≤ 0
	// means runtime.GOMAXPROCS(0).
	Parts int
}

// Summary is what Summarise made of a file.
type Summary struct {
	// Delta summarises the rows kept, in the order of the file: its columns are those a
	// sequential reading would add, in the same order.
	Delta *model.Delta
	// Types are the column types used.
	Types []dataframe.Type
	// Rows and Skipped count the rows summarised and, under errorHandling 1, skipped.
	Rows, Skipped int64
}

// batchCells is about how many cells a batch of rows holds: enough to amortise a parse,
// small enough to stay in cache.
const batchCells = 32 << 10

// Summarise reads the records of f in parallel parts cut at record boundaries and
// summarises each into a delta, then merges them in file order. With o.Types nil it first
// infers the types, also in parallel. The first error in the file (with ErrorHandling 0,
// the first bad cell) is returned as it is placed by csvdata (*csvdata.Error: line and
// column), whichever part meets it first in time; ctx ends the work early (its error is
// returned).
func Summarise(ctx context.Context, f *csvdata.File, o SummaryOptions, prog *Progress) (Summary, error) {
	if prog == nil {
		prog = new(Progress)
	}
	n := o.Parts
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	parts, err := f.Split(n)
	if err != nil {
		return Summary{}, err
	}
	types := o.Types
	if types == nil {
		if types, err = inferTypes(ctx, f, parts, o, prog); err != nil {
			return Summary{}, err
		}
	}
	if len(types) != len(f.Names) {
		return Summary{}, fmt.Errorf("%d types for the %d columns of %s", len(types), len(f.Names), f.Path)
	}
	deltas := make([]*model.Delta, len(parts))
	var rows, skipped atomic.Int64
	err = forParts(ctx, parts, func(i int, p csvdata.Part, stop func() bool) error {
		d, r, s, err := summarisePart(f, p, types, o, prog, stop)
		deltas[i] = d
		rows.Add(r)
		skipped.Add(s)
		return err
	})
	if err != nil {
		return Summary{}, err
	}
	total := deltas[0]
	for _, d := range deltas[1:] {
		if err := total.Merge(d); err != nil {
			return Summary{}, err
		}
	}
	return Summary{Delta: total, Types: types, Rows: rows.Load(), Skipped: skipped.Load()}, nil
}

// forParts runs fn on every part in its own goroutine and returns the error of the first
// part (in file order) that failed. stop tells a part to give up: a part before it failed
// (a later part's error cannot be the first), or ctx ended.
func forParts(ctx context.Context, parts []csvdata.Part, fn func(i int, p csvdata.Part, stop func() bool) error) error {
	var firstFailed atomic.Int64
	firstFailed.Store(int64(len(parts)))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Go(func() {
			stop := func() bool { return firstFailed.Load() < int64(i) || ctx.Err() != nil }
			err := fn(i, p, stop)
			if err == nil {
				return
			}
			errs[i] = err
			for {
				cur := firstFailed.Load()
				if cur <= int64(i) || firstFailed.CompareAndSwap(cur, int64(i)) {
					break
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, errStopped) {
			return err
		}
	}
	return nil
}

// errStopped is what a part returns when it gave up because another failed.
var errStopped = errors.New("upload: stopped")

// inferTypes infers the column types from every record, each part on its own, the
// inferences merged in file order.
func inferTypes(ctx context.Context, f *csvdata.File, parts []csvdata.Part, o SummaryOptions, prog *Progress) ([]dataframe.Type, error) {
	infs := make([]*csvdata.Inference, len(parts))
	err := forParts(ctx, parts, func(i int, p csvdata.Part, stop func() bool) error {
		in := f.NewInference(o.Known, o.MaxCategories)
		infs[i] = in
		r := f.Records(p)
		last := p.Offset
		for k := 0; ; k++ {
			rec, line, err := r.Read()
			if err == io.EOF {
				prog.Inferred.Add(p.End - last)
				return nil
			}
			if err != nil {
				return err
			}
			in.Add(rec, line)
			if k%1024 == 1023 {
				if stop() {
					return errStopped
				}
				off := r.Offset()
				prog.Inferred.Add(off - last)
				last = off
			}
		}
	})
	if err != nil {
		return nil, err
	}
	for _, in := range infs[1:] {
		infs[0].Merge(in)
	}
	types, err := infs[0].Types()
	var ce *csvdata.Error
	if errors.As(err, &ce) {
		// Types suggests a type for the columns it refuses: say the finalize to ask.
		codes := make([]string, len(types))
		for i, t := range types {
			codes[i] = t.String()
		}
		ce.Msg += `; e.g. finalize with "types":"` + strings.Join(codes, ",") + `"`
	}
	return types, err
}

// summarisePart summarises the records of part p into a delta, batch by batch, through
// the DataFrame rules (dataframe.Parser.ParseCells) and the rows a learn message makes
// (model.Rows), as learning them would.
func summarisePart(f *csvdata.File, p csvdata.Part, types []dataframe.Type, o SummaryOptions, prog *Progress, stop func() bool) (d *model.Delta, rows, skipped int64, err error) {
	d = model.NewDelta(o.Partitioned)
	var parser dataframe.Parser
	var mr model.Rows
	opts := o.Frame
	opts.Mode = dataframe.ModeLearn
	batchRows := min(max(batchCells/max(len(types), 1), 64), 4096)
	if opts.MaxRows > 0 {
		batchRows = min(batchRows, opts.MaxRows)
	}
	b := f.NewBatch(types)
	b.Cells.ErrorHandling = o.ErrorHandling
	r := f.Records(p)
	last := p.Offset
	for {
		if stop() {
			return d, rows, skipped, errStopped
		}
		err := b.Fill(r, batchRows)
		if err == io.EOF {
			prog.Bytes.Add(p.End - last)
			return d, rows, skipped, nil
		}
		if err != nil {
			return d, rows, skipped, err
		}
		fr, err := parser.ParseCells(&b.Cells, opts)
		if err != nil {
			return d, rows, skipped, b.Place(err)
		}
		skipped += int64(fr.Skipped)
		if fr.Rows > 0 {
			if err := mr.SetFrame(fr); err != nil {
				return d, rows, skipped, b.Place(err)
			}
			ok, err := d.AddRowsWithin(&mr, o.MaxDeltaBytes)
			if err != nil {
				return d, rows, skipped, b.Place(err)
			}
			if !ok {
				return d, rows, skipped, &model.Error{Err: model.ErrStateTooLarge,
					Msg: fmt.Sprintf("%s: the file's statistics would take more than the %d bytes limits.max_project_bytes allows a project", b.LineRange(), o.MaxDeltaBytes)}
			}
		}
		rows += int64(fr.Rows)
		prog.Rows.Add(int64(fr.Rows))
		off := r.Offset()
		prog.Bytes.Add(off - last)
		last = off
	}
}
