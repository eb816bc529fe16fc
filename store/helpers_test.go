package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/wal"
)

// open opens a store in dir, failing the test on error; it is closed at the end of the
// test unless the test closes it (a second Close is harmless).
func open(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// durable are the options of a durable store in dir, with checkpoints only on demand.
func durable(dir string) Options {
	return Options{Dir: dir, Mode: wal.ModeAlways, CheckpointInterval: -1, SegmentBytes: 8 << 10, ReplayWindow: -1}
}

// parse parses a learn DataFrame with a fresh parser, so the frame outlives other parses.
func parse(t testing.TB, payload string, partitionColumn string) *dataframe.Frame {
	t.Helper()
	var p dataframe.Parser
	f, err := p.Parse([]byte(payload), dataframe.Options{PartitionColumn: partitionColumn})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// dump is every project of every customer in cids, exported: equal dumps mean equal
// states, models and dates, bit for bit.
func dump(t testing.TB, s *Store, cids ...string) string {
	t.Helper()
	var b strings.Builder
	for _, cid := range cids {
		for _, pid := range s.List(cid) {
			data, err := s.Export(cid, pid)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s/%s %x\n", cid, pid, data)
		}
	}
	return b.String()
}

// sameState fails unless a and b hold the same projects with the same encodings, the
// sequence numbers aside (a replayed project and its snapshot may cover different records
// of the same state only in that number, which is equal here too).
func sameState(t testing.TB, got, want string) {
	t.Helper()
	if got != want {
		g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
		sort.Strings(g)
		sort.Strings(w)
		t.Fatalf("state differs after recovery:\n got %d projects\nwant %d projects\nfirst got  %.200s\nfirst want %.200s", len(g)-1, len(w)-1, g[len(g)-1], w[len(w)-1])
	}
}

// segmentFiles lists the log's segment files.
func segmentFiles(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "wal", "*.wal"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	return m
}

func snapshotFiles(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "snapshots", "*.snap"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// iris4 is a small learn frame with a T column.
func rows(lo, hi int) string {
	var b bytes.Buffer
	b.WriteString(`{"attributeNames":["x","y","k"],"attributeTypes":["C","C","T"],"data":[`)
	for i := lo; i < hi; i++ {
		if i > lo {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["%g","%g","%c"]`, float64(i)*1.25+1e6, float64(i%7)-3.5, 'a'+rune(i%3))
	}
	b.WriteString(`]}`)
	return b.String()
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mlr builds an mlr model of y on x in the project.
func mlr(t testing.TB, p *model.Project, id string) *model.Model {
	t.Helper()
	m, err := model.Build(p.Snapshot(), "mlr", id, model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
