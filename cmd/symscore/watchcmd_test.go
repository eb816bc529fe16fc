package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
)

// watchLine is what the test reads of a line of `symscore watch`.
type watchLine struct {
	Type    string             `json:"type"`
	Names   []string           `json:"names"`
	Name    string             `json:"name"`
	Version uint64             `json:"version"`
	Values  map[string]float64 `json:"values"`
	Reason  string             `json:"reason"`
}

// TestWatchLines: `symscore watch` writes one JSON line per message when its output is
// not a terminal, follows a learn, and exits 0 with a note when the project is deleted;
// interrupted, it exits 130.
func TestWatchLines(t *testing.T) {
	ds := startDevServer(t, "subscribe:\n  interval: 10ms\n")
	ds.ok(t, "project", "create", "w")
	csv := writeFile(t, "a.csv", "x,y\n1,2\n3,5\n")
	ds.ok(t, "learn", "--project", "w", csv)

	cmd := command(t, "watch", "--project", "w", "x", "--pair", "x,y")
	cmd.Env = append(cmd.Env, "SYMSCORE_URL="+ds.url, "SYMSCORE_DATA_DIR="+ds.dataDir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan watchLine, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var l watchLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("line %q: %v", sc.Text(), err)
				return
			}
			lines <- l
		}
	}()
	until := func(what string, ok func(watchLine) bool) watchLine {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case l, open := <-lines:
				if !open {
					t.Fatalf("watch ended waiting for %s; stderr: %s", what, stderr.String())
				}
				if ok(l) {
					return l
				}
			case <-timeout:
				t.Fatalf("no %s", what)
			}
		}
	}
	if l := until("names", func(l watchLine) bool { return true }); l.Type != "names" || strings.Join(l.Names, ",") != "x,y" {
		t.Fatalf("first line %+v", l)
	}
	until("x", func(l watchLine) bool { return l.Type == "data" && l.Name == "x" && l.Values["count"] == 2 })
	ds.ok(t, "learn", "--project", "w", writeFile(t, "b.csv", "x,y\n10,1\n"))
	until("x after the learn", func(l watchLine) bool { return l.Type == "data" && l.Name == "x" && l.Values["max"] == 10 })
	ds.ok(t, "project", "delete", "w")
	until("closed", func(l watchLine) bool { return l.Type == "closed" && l.Reason == "project deleted" })
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watch: %v; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "the subscription ended: project deleted") {
		t.Fatalf("stderr: %s", stderr.String())
	}

	// Interrupted: exit 130.
	ds.ok(t, "project", "create", "w2")
	cmd = command(t, "watch", "--project", "w2")
	cmd.Env = append(cmd.Env, "SYMSCORE_URL="+ds.url, "SYMSCORE_DATA_DIR="+ds.dataDir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil { // subscribed
		t.Fatal(err)
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("interrupted watch: exit %d, want %d", code, exitInterrupted)
	}

	// A wrong command line: exit 2.
	ds.fails(t, exitUsage, []string{"watch", "x"}, "--project is required")
	ds.fails(t, exitUsage, []string{"watch", "--project", "w2", "--pair", "a"}, "want two attribute names")
	ds.fails(t, exitError, []string{"watch", "--project", "nope"}, `cannot find project "nope"`)
}

// TestWatchTable: the table holds the latest value of each subscription, pairs apart,
// the project's line, pending names until they come, and the latest event.
func TestWatchTable(t *testing.T) {
	st := &watchState{project: "p", rows: map[string]*client.Message{}}
	at := time.Date(2025, 11, 16, 20, 11, 50, 0, time.UTC)
	for _, m := range []*client.Message{
		{Type: "subscribed", Pending: []string{"z", "q"}},
		{Type: "data", Name: "x", Version: 3, Values: map[string]float64{"count": 2, "mean": 1.5, "variance": 0.25, "stddev": 0.5, "min": 1, "max": 2}},
		{Type: "data", Pair: [2]string{"x", "y"}, Version: 3, Values: map[string]float64{"covar": 0.75, "linCorr": 1}},
		{Type: "data", Name: "$project", Version: 3, Project: &client.ProjectValues{Rows: 2, Attributes: 2, LastModificationDate: at}},
		{Type: "data", Name: "x", Version: 4, Values: map[string]float64{"count": 3, "mean": 2, "variance": 2.0 / 3, "stddev": 0.816496580927726, "min": 1, "max": 3}},
		{Type: "data", Name: "z", Version: 4, Values: map[string]float64{"count": 3}},
		{Type: "model", Event: "built", ModelID: "m1", ModelType: "lda", Version: 5},
	} {
		st.add(m)
	}
	var b strings.Builder
	st.draw(&b)
	out := b.String()
	for _, want := range []string{
		"\x1b[H\x1b[2J", "project p  version 3  rows 2  attributes 2  models 0  frozen false  modified 2025-11-16T20:11:50Z",
		"x      3     2  0.666667  0.816497    1    3        4", "x,y   0.75        1        3",
		"not in the project yet: q", "model m1 (lda) built at version 5",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "count\n") || strings.Count(out, "\nx ") > 1 {
		t.Errorf("table:\n%s", out)
	}
}
