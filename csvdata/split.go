package csvdata

import (
	"bytes"
	"io"
	"sync"
)

// Part is a byte range of a File that holds whole records.
type Part struct {
	Offset int64 // its first byte
	End    int64 // one past its last byte
	Line   int   // the physical line of its first byte (the header is line 1)
}

// minPartBytes is the smallest nominal part Split makes: below it the cost of a
// goroutine outweighs the work.
var minPartBytes int64 = 64 << 10

// Split cuts the records of f into at most n parts of about equal size, at record
// boundaries, in file order; reading the parts one after the other gives exactly the
// records (and lines) of reading Whole. It reads the whole file once, n goroutines each
// counting the quotes and newlines of a nominal range, then a little past each nominal
// boundary: in valid CSV a newline ends a record exactly when an even number of quotes
// precedes it. In a file that is not valid CSV the parts before the first fault are
// still exact, and the part holding it fails when read, so the first error in part
// order is the first error of the file.
func (f *File) Split(n int) ([]Part, error) {
	whole := f.Whole()
	body := whole.End - whole.Offset
	if n > int(body/minPartBytes) {
		n = int(body / minPartBytes)
	}
	if n <= 1 {
		return []Part{whole}, nil
	}
	type count struct {
		quotes, newlines int64
		err              error
	}
	starts := make([]int64, n+1)
	for i := range starts {
		starts[i] = whole.Offset + body*int64(i)/int64(n)
	}
	counts := make([]count, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c := &counts[i]
			c.err = scanRange(f.r, starts[i], starts[i+1], func(b []byte) bool {
				c.quotes += int64(bytes.Count(b, []byte{'"'}))
				c.newlines += int64(bytes.Count(b, []byte{'\n'}))
				return true
			})
		})
	}
	wg.Wait()
	parts := make([]Part, 0, n)
	cur := whole
	quotes, lines := int64(0), int64(whole.Line)
	for i := 1; i < n; i++ {
		if counts[i-1].err != nil {
			return nil, &Error{Path: f.Path, Msg: "cannot read: " + counts[i-1].err.Error()}
		}
		quotes += counts[i-1].quotes
		lines += counts[i-1].newlines
		if starts[i] < cur.Offset {
			continue // the previous cut ran past this nominal boundary
		}
		cut, cutLine, err := f.cutAfter(starts[i], quotes%2 == 1, int(lines))
		if err != nil {
			return nil, err
		}
		if cut >= whole.End {
			break
		}
		if cut > cur.Offset {
			cur.End = cut
			parts = append(parts, cur)
			cur = Part{Offset: cut, Line: cutLine}
		}
	}
	cur.End = whole.End
	return append(parts, cur), nil
}

// cutAfter finds the first record boundary at or after off: the byte after the first
// newline outside quotes. inQuotes says whether off is inside a quoted field, line is
// the physical line of off. It returns the file size when no boundary follows.
func (f *File) cutAfter(off int64, inQuotes bool, line int) (cut int64, cutLine int, err error) {
	cut = -1
	pos := off
	err = scanRange(f.r, off, f.size, func(b []byte) bool {
		for i, c := range b {
			switch c {
			case '"':
				inQuotes = !inQuotes
			case '\n':
				line++
				if !inQuotes {
					cut = pos + int64(i) + 1
					return false
				}
			}
		}
		pos += int64(len(b))
		return true
	})
	if err != nil {
		return 0, 0, &Error{Path: f.Path, Msg: "cannot read: " + err.Error()}
	}
	if cut < 0 {
		return f.size, line, nil
	}
	return cut, line, nil
}

// scanBuf is the size of the reads of scanRange.
const scanBuf = 256 << 10

var scanPool = sync.Pool{New: func() any { b := make([]byte, scanBuf); return &b }}

// scanRange reads bytes [from, to) of r in order, calling fn on each chunk until fn
// returns false.
func scanRange(r io.ReaderAt, from, to int64, fn func([]byte) bool) error {
	bp := scanPool.Get().(*[]byte)
	defer scanPool.Put(bp)
	buf := *bp
	for from < to {
		b := buf
		if int64(len(b)) > to-from {
			b = b[:to-from]
		}
		n, err := r.ReadAt(b, from)
		if n > 0 && !fn(b[:n]) {
			return nil
		}
		from += int64(n)
		if err == io.EOF && from < to {
			return io.ErrUnexpectedEOF
		}
		if err != nil && err != io.EOF {
			return err
		}
	}
	return nil
}
