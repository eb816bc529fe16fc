package server_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// walBytes is the size of the write-ahead log in dataDir.
func walBytes(t *testing.T, dataDir string) int64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dataDir, "wal", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// tFrame is a learn DataFrame of rows rows with one T column taking distinct values in
// turn.
func tFrame(rows, distinct int) []byte {
	var b strings.Builder
	b.WriteString(`{"attributeNames":["k"],"attributeTypes":["T"],"data":[`)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["v%d"]`, i%distinct)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// TestAttackTColumnAmplification (issue 13 item 4): DataFrames with a T column of many
// distinct values no longer amplify the log: one that would add more attributes than
// max_new_attributes_per_message is refused (400, counted), and one within it is logged as
// received — a few times its own bytes, not rows × distinct values × 8. Eight of them in a
// row leave another customer learning and predicting.
func TestAttackTColumnAmplification(t *testing.T) {
	cfg := testkit.Config()
	cfg.DataDir = t.TempDir()
	cfg.Limits.MaxNewAttributesPerMessage = 500
	s := start(t, cfg, nil)
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	a := rest1(s)
	a.Create("p")

	wide := tFrame(4000, 4000)
	a.Do(http.MethodPost, "/projects/p/learn", "", wide).Expect(t, http.StatusBadRequest, "the limit is 500 per message")
	if n := s.Metric("symscore_refusals_total", "limit=max_new_attributes_per_message"); n != 1 {
		t.Fatalf("max_new_attributes_per_message refusals %v", n)
	}
	frame := tFrame(5000, 200) // expanded: 5 000 rows × 200 columns × 8 bytes = 8 MB
	before := walBytes(t, cfg.DataDir)
	for i := range 8 {
		a.Do(http.MethodPost, "/projects/p/learn", "", frame).Expect(t, http.StatusOK, "OK")
		if i%2 == 0 {
			b.Check()
		}
	}
	grown := walBytes(t, cfg.DataDir) - before
	if grown > 8*4*int64(len(frame)) {
		t.Fatalf("8 learns of %d bytes grew the log by %d bytes", len(frame), grown)
	}
	t.Logf("8 learns of %d bytes (expanded: %d) grew the log by %d bytes", len(frame), 5000*200*8, grown)
	b.CheckNew()
	if rows := a.Project("p").Rows(); rows != 8*5000 {
		t.Fatalf("%d rows, want %d", rows, 8*5000)
	}
}
