package wal_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/wal"
)

const (
	childDirEnv   = "SYMSCORE_WAL_KILL9_DIR"
	childRoundEnv = "SYMSCORE_WAL_KILL9_ROUND"
)

// TestKill9Child is the process TestKill9 kills: it replays the log in its directory, then
// appends from 8 goroutines in ModeAlways, printing "ack <lsn> <id>" after each Append
// returns, until it is killed.
func TestKill9Child(t *testing.T) {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		t.Skip("helper process of TestKill9")
	}
	time.AfterFunc(time.Minute, func() { os.Exit(3) }) // never outlive a lost parent
	round, _ := strconv.ParseUint(os.Getenv(childRoundEnv), 10, 64)
	l, _, err := tryOpen(dir, wal.Options{Mode: wal.ModeAlways, SegmentBytes: 32 << 10}, 0)
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(2)
	}
	var out sync.Mutex
	for w := range uint64(8) {
		go func() {
			for i := uint64(0); ; i++ {
				id := round<<40 | w<<32 | i
				lsn, err := l.Append(payload(id))
				out.Lock()
				if err != nil {
					fmt.Printf("error %v\n", err)
					os.Exit(2)
				}
				fmt.Printf("ack %d %d\n", lsn, id) // one write(2) per line
				out.Unlock()
			}
		}()
	}
	select {}
}

// TestKill9 runs the child, SIGKILLs it after a random number of acknowledgements, reopens
// the log and checks that every acknowledged record is there with its exact payload and
// that nothing else is there but whole, valid records. Five rounds share one directory, so
// each child also recovers from the previous kill.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	acked := map[uint64]uint64{} // lsn → id
	for round := range 5 {
		killAt := 20 + rng.IntN(400)
		cmd := exec.Command(os.Args[0], "-test.run=^TestKill9Child$", "-test.count=1")
		cmd.Env = append(os.Environ(), childDirEnv+"="+dir, childRoundEnv+"="+strconv.Itoa(round))
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Signal(syscall.SIGKILL) })
		n := 0
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 3 && f[0] == "ack" {
				lsn, _ := strconv.ParseUint(f[1], 10, 64)
				id, _ := strconv.ParseUint(f[2], 10, 64)
				if prev, dup := acked[lsn]; dup {
					t.Fatalf("seed %d round %d: lsn %d acknowledged twice (ids %d, %d)", seed, round, lsn, prev, id)
				}
				acked[lsn] = id
				if n++; n == killAt {
					cmd.Process.Signal(syscall.SIGKILL)
				}
			} else if sc.Text() != "" {
				t.Errorf("seed %d round %d: child says %q", seed, round, sc.Text())
			}
		}
		err = cmd.Wait()
		timer.Stop()
		if n < killAt {
			t.Fatalf("seed %d round %d: child ended after %d acks (%v), before the kill at %d", seed, round, n, err, killAt)
		}
		recs := replayAll(t, dir)
		for i, r := range recs {
			id, ok := checkPayload(r.rec)
			if r.lsn != uint64(i+1) || !ok {
				t.Fatalf("seed %d round %d: record at lsn %d is not a whole, valid record", seed, round, r.lsn)
			}
			if want, was := acked[r.lsn]; was && want != id {
				t.Fatalf("seed %d round %d: lsn %d holds id %d, acknowledged as %d", seed, round, r.lsn, id, want)
			}
		}
		for lsn := range acked {
			if lsn > uint64(len(recs)) {
				t.Fatalf("seed %d round %d: acknowledged lsn %d lost (log ends at %d)", seed, round, lsn, len(recs))
			}
		}
		t.Logf("round %d: killed after %d acks; %d records, %d acknowledged in all", round, n, len(recs), len(acked))
	}
}
