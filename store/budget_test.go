package store

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
	"github.com/symscore/symscore/wal/waltest"
)

// customerExact fails unless customer cid's account holds exactly what its projects hold
// (nothing is pending), and returns it.
func customerExact(t testing.TB, s *Store, cid string) int64 {
	t.Helper()
	var sum int64
	for _, pid := range s.List(cid) {
		p, err := s.Project(cid, pid)
		if err != nil {
			t.Fatal(err)
		}
		sum += p.Bytes()
	}
	if got := s.reg.CustomerBytes(cid); got != sum {
		t.Fatalf("customer %s: account %d, its projects hold %d", cid, got, sum)
	}
	return sum
}

// wideRows is a learn frame of n new C attributes prefix0… (names of width bytes) and
// rows rows, with partition values prefix-v0… in column k when parts.
func wideRows(prefix string, n, width, rows int, parts bool) string {
	var names, types []string
	for i := range n {
		names = append(names, fmt.Sprintf(`"%s%0*d"`, prefix, width-len(prefix), i))
		types = append(types, `"C"`)
	}
	if parts {
		names, types = append(names, `"k"`), append(types, `"S"`)
	}
	var b strings.Builder
	b.WriteString(`{"attributeNames":[` + strings.Join(names, ",") + `],"attributeTypes":[` + strings.Join(types, ",") + `],"data":[`)
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		cells := make([]string, 0, n+1)
		for i := range n {
			cells = append(cells, fmt.Sprintf(`"%d"`, (r+i)%5))
		}
		if parts {
			cells = append(cells, fmt.Sprintf(`"%s-v%d"`, prefix, r%3))
		}
		b.WriteString("[" + strings.Join(cells, ",") + "]")
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestBudgetReleasedWhenNotDurable: a change admitted to its customer's budget whose
// record cannot be written (the disk is full) gives back what it reserved: the account
// is exactly what the projects hold, as before, for learns logged as rows or as a delta,
// creates, imports, merges and models.
func TestBudgetReleasedWhenNotDurable(t *testing.T) {
	part := map[string]string{"partitionSplit": "k"}
	for name, change := range map[string]func(s *Store) error{
		"learn as rows": func(s *Store) error { return s.Learn("c1", "p", parse(t, wideRows("a", 8, 40, 2, true), "k")) },
		"learn as delta": func(s *Store) error {
			return s.Learn("c1", "p", parse(t, wideRows("a", 8, 40, 300, true), "k"))
		},
		"create": func(s *Store) error { return s.Create("c1", "new", "partition", part) },
		"import": func(s *Store) error {
			data, err := s.Export("c1", "p")
			must(t, err)
			return s.Import("c1", "copy", data)
		},
		"merge": func(s *Store) error { return s.Merge("c1", "p", "o") },
		"model": func(s *Store) error {
			p, _ := s.Project("c1", "p")
			return s.PutModelInto("c1", p, mlr(t, p, "m2"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			ffs := waltest.New(nil)
			opts := durable(t.TempDir())
			opts.FS = ffs
			opts.Limits = model.Limits{MaxCustomerBytes: 1 << 30}
			s := open(t, opts)
			must(t, s.Create("c1", "p", "partition", part))
			must(t, s.Learn("c1", "p", parse(t, rows(0, 10), "k")))
			must(t, s.Create("c1", "o", "partition", part))
			must(t, s.Learn("c1", "o", parse(t, wideRows("o", 3, 20, 4, true), "k")))
			before := customerExact(t, s, "c1")
			ffs.Inject(waltest.Fault{Op: waltest.OpWrite, Path: ".wal", Keep: 5, Err: syscall.ENOSPC})
			if err := change(s); !errors.Is(err, ErrUnavailable) {
				t.Fatalf("on a full disk: %v", err)
			}
			if after := customerExact(t, s, "c1"); after != before {
				t.Fatalf("the account went from %d to %d", before, after)
			}
		})
	}
}

// TestBudgetReleasedWhenApplicationRefuses: a learn admitted to the budget but refused when
// it is applied (a freeze reached the log first) gives back what it reserved.
func TestBudgetReleasedWhenApplicationRefuses(t *testing.T) {
	b := &bus{}
	s := open(t, Options{Log: b.member(), Limits: model.Limits{MaxCustomerBytes: 1 << 30}})
	must(t, s.Create("c1", "p", "partition", map[string]string{"partitionSplit": "k"}))
	must(t, s.Learn("c1", "p", parse(t, rows(0, 10), "k")))
	p, _ := s.Project("c1", "p")
	before := customerExact(t, s, "c1")
	for _, frame := range []string{wideRows("a", 8, 40, 2, true), wideRows("b", 8, 40, 300, true)} { // rows, delta
		b.before = func(b *bus) {
			rec := appendProjectHead(nil, kindFreeze, "c1", "p", p.Created())
			setRecordTime(rec, time.Now())
			b.publish(nil, append(rec, 1), nil)
		}
		if err := s.Learn("c1", "p", parse(t, frame, "k")); !errors.Is(err, model.ErrFrozen) {
			t.Fatalf("learn logged after a freeze: %v", err)
		}
		if after := customerExact(t, s, "c1"); after != before {
			t.Fatalf("the account went from %d to %d", before, after)
		}
		must(t, s.SetFrozen("c1", "p", false))
	}
}

// TestBudgetCountsNamesOfDeltaRecords: names a learn brings count the same in the
// project's bytes and the customer's account whether its record holds the rows or their
// summary delta, or the rows come as one delta (LearnDelta); the limits refuse a delta as
// they refuse rows; a restart recovers the same bytes.
func TestBudgetCountsNamesOfDeltaRecords(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	s := open(t, opts)
	part := map[string]string{"partitionSplit": "k"}
	for _, pid := range []string{"rows", "delta", "upload"} {
		must(t, s.Create("c1", pid, "partition", part))
	}
	const n, width = 6, 200
	for range 100 { // 3 rows of 7 columns: rows records
		must(t, s.Learn("c1", "rows", parse(t, wideRows("long", n, width, 3, true), "k")))
	}
	must(t, s.Learn("c1", "delta", parse(t, wideRows("long", n, width, 300, true), "k")))
	d := model.NewDelta(true)
	must(t, d.AddFrame(parse(t, wideRows("long", n, width, 300, true), "k")))
	must(t, s.LearnDelta("c1", "upload", d))
	bytesOf := func(s *Store, pid string) int64 { // but the id's own bytes
		p, err := s.Project("c1", pid)
		must(t, err)
		return p.Bytes() - int64(len(pid))
	}
	want := bytesOf(s, "rows")
	if names := int64(n * width); want < names {
		t.Fatalf("the project holds %d bytes, less than its %d bytes of names", want, names)
	}
	for _, pid := range []string{"delta", "upload"} {
		if got := bytesOf(s, pid); got != want {
			t.Fatalf("%s: %d bytes, the rows records' project %d", pid, got, want)
		}
	}
	customerExact(t, s, "c1")
	// Limits: a project just too small for the names refuses the delta at once.
	s.reg.SetLimits(model.Limits{MaxStateBytes: want + int64(len("small")) - 1})
	must(t, s.Create("c1", "small", "partition", part))
	next := s.log.NextSeq()
	if err := s.Learn("c1", "small", parse(t, wideRows("long", n, width, 300, true), "k")); !errors.Is(err, model.ErrStateTooLarge) {
		t.Fatalf("a delta past the project's bytes: %v", err)
	}
	if err := s.LearnDelta("c1", "small", d); !errors.Is(err, model.ErrStateTooLarge) {
		t.Fatalf("LearnDelta past the project's bytes: %v", err)
	}
	if s.log.NextSeq() != next {
		t.Fatal("refused deltas were logged")
	}
	total := customerExact(t, s, "c1")
	crash(t, s)
	if kinds := logKinds(t, dir); kinds[kindLearnDelta] != 2 || kinds[kindLearn] == 0 {
		t.Fatalf("records %v: want rows and delta learns", kinds)
	}
	s = open(t, opts)
	for _, pid := range []string{"rows", "delta", "upload"} {
		if got := bytesOf(s, pid); got != want {
			t.Fatalf("%s after a restart: %d bytes, want %d", pid, got, want)
		}
	}
	if got := customerExact(t, s, "c1"); got != total {
		t.Fatalf("after a restart the customer holds %d bytes, before %d", got, total)
	}
}

// TestBudgetUnderConcurrentChanges: learns into several projects of one customer, two
// learners per project bringing some of the same new attributes and partitions, creates
// and deletes, all at once through a durable store: the account never exceeds the budget,
// some learns are refused, and at the end it is exactly what the projects hold, after a
// restart too.
func TestBudgetUnderConcurrentChanges(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.Mode = wal.ModeNone
	opts.SegmentBytes = 16 << 20
	const budget = 512 << 10
	opts.Limits = model.Limits{MaxCustomerBytes: budget}
	s := open(t, opts)
	for g := range 3 {
		must(t, s.Create("c1", fmt.Sprintf("p%d", g), "partition", map[string]string{"partitionSplit": "k"}))
	}
	var wg sync.WaitGroup
	var refused atomic.Int64
	over := func() {
		if used := s.reg.CustomerBytes("c1"); used > budget {
			t.Errorf("the customer holds %d bytes, past %d", used, budget)
		}
	}
	for w := range 6 {
		pid := fmt.Sprintf("p%d", w%3)
		wg.Go(func() {
			for i := range 60 {
				prefix := fmt.Sprintf("a%d-%d", w%2, i/2) // the other learner of pid brings some of the same
				size := 1 + 100*(i%3/2)                   // rows records and deltas
				err := s.Learn("c1", pid, parse(t, wideRows(prefix, 3, 16, size, true), "k"))
				if errors.Is(err, model.ErrCustomerTooLarge) {
					refused.Add(1)
				} else if err != nil {
					t.Error(err)
				}
				over()
			}
		})
	}
	wg.Go(func() {
		for i := range 30 {
			pid := fmt.Sprintf("tmp%d", i)
			err := s.Create("c1", pid, "", nil)
			if errors.Is(err, model.ErrCustomerTooLarge) {
				continue
			}
			must(t, err)
			over()
			must(t, s.Delete("c1", pid))
		}
	})
	wg.Wait()
	if refused.Load() == 0 {
		t.Fatal("no learn reached the budget")
	}
	live := customerExact(t, s, "c1")
	if live > budget {
		t.Fatalf("the customer holds %d bytes, past %d", live, budget)
	}
	want := dump(t, s, "c1")
	crash(t, s)
	s = open(t, opts)
	sameState(t, dump(t, s, "c1"), want)
	if got := customerExact(t, s, "c1"); got != live {
		t.Fatalf("after a restart the customer holds %d bytes, live %d", got, live)
	}
}

// TestBudgetIsAdmissionNotApplication: two stores on one log (two nodes) with different
// budgets hold the same bits: a node applies the other's records whatever its own budget
// (application never depends on other projects), is charged for them, and refuses its own
// clients' growth past its budget, not their forgets.
func TestBudgetIsAdmissionNotApplication(t *testing.T) {
	b := &bus{}
	big := open(t, Options{Log: b.member(), Limits: model.Limits{MaxCustomerBytes: 1 << 30}})
	small := open(t, Options{Log: b.member(), Limits: model.Limits{MaxCustomerBytes: 16 << 10}})
	must(t, big.Create("c1", "p", "", nil))
	for i := range 4 {
		must(t, big.Learn("c1", "p", parse(t, wideRows(fmt.Sprintf("a%d", i), 10, 32, 2, false), "")))
	}
	if got := customerExact(t, small, "c1"); got <= 16<<10 {
		t.Fatalf("the small node holds %d bytes: the scene does not pass its budget", got)
	}
	sameState(t, dump(t, small, "c1"), dump(t, big, "c1"))
	if err := small.Learn("c1", "p", parse(t, wideRows("b", 2, 8, 1, false), "")); !errors.Is(err, model.ErrCustomerTooLarge) {
		t.Fatalf("growth past the small node's budget: %v", err)
	}
	must(t, small.Forget("c1", "p", parse(t, wideRows("a0", 10, 32, 2, false), "")))
	sameState(t, dump(t, small, "c1"), dump(t, big, "c1"))
	customerExact(t, big, "c1")
	customerExact(t, small, "c1")
}
