package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestMeasureIdleInProcess(t *testing.T) {
	// One server per process: the runtime keeps the stacks of exited goroutines for reuse,
	// so a second in-process measurement would not see its goroutines' stacks. The
	// comparison of the two buffer policies runs in child processes (below).
	const n = 2000
	srv, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{PoolIdleBuffers: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r, err := MeasureIdle(context.Background(), IdleConfig{
		URL: srv.URL(), Connections: n, Message: PredictPayload(), Check: CheckEqual(PredictPayload()),
		SourceAddrs: []string{"127.0.0.1", "127.0.0.2"}, ServerMemory: InProcessMemory,
	})
	if err != nil {
		t.Fatal(err)
	}
	// An idle connection costs at least its goroutine's stack and its net.Conn, and far
	// less than the 8 KiB of buffers it gives back.
	if r.Connections != n || !raceEnabled && (r.BytesPerConn < 1024 || r.BytesPerConn > 16<<10) {
		t.Fatalf("%+v", r)
	}
	var b strings.Builder
	r.WriteText(&b)
	t.Logf("client side included: %s", b.String())
}

// childEchoEnv makes the test binary serve the WebSocket echo floor (see TestMain).
const childEchoEnv = "SYMSCORE_BENCH_CHILD_ECHO"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEchoEnv); mode != "" {
		srv, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{PoolIdleBuffers: mode == "pool"})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(srv.URL())
		bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
		srv.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestMeasureIdleOtherProcess(t *testing.T) {
	const n = 2000
	perConn := map[string]float64{}
	for _, mode := range []string{"hold", "pool"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEchoEnv+"="+mode)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		url, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || !strings.HasPrefix(url, "ws://") {
			stdin.Close()
			cmd.Wait()
			t.Fatalf("child: %q, %v", url, err)
		}
		r, err := MeasureIdle(context.Background(), IdleConfig{
			URL: strings.TrimSpace(url), Connections: n, Message: PredictPayload(),
			ServerMemory: ProcessRSS(cmd.Process.Pid),
		})
		stdin.Close()
		if werr := cmd.Wait(); werr != nil {
			t.Errorf("child: %v", werr)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !raceEnabled && (r.BytesPerConn <= 0 || r.BytesPerConn > 64<<10) {
			t.Fatalf("%s: %.0f bytes per connection", mode, r.BytesPerConn)
		}
		perConn[mode] = r.BytesPerConn
		var b strings.Builder
		r.WriteText(&b)
		t.Logf("%s buffers, server RSS: %s", mode, b.String())
	}
	// A connection that holds its buffers keeps a 4 KiB reader and a 4 KiB frame buffer
	// that a pooling one gives back.
	if !raceEnabled && perConn["pool"] > perConn["hold"]-4096 {
		t.Fatalf("pooling idle buffers saves too little: %.0f B/conn pooled, %.0f B/conn held", perConn["pool"], perConn["hold"])
	}
}

func TestParseVmRSS(t *testing.T) {
	got, err := parseVmRSS(strings.NewReader("Name:\tx\nVmPeak:\t  999 kB\nVmRSS:\t    1234 kB\nThreads: 4\n"))
	if err != nil || got != 1234*1024 {
		t.Fatalf("got %d, %v", got, err)
	}
	for _, bad := range []string{"Name: x\n", "VmRSS: 12 MB\n", "VmRSS: x kB\n"} {
		if _, err := parseVmRSS(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestMeasureIdleNeedsMemory(t *testing.T) {
	if _, err := MeasureIdle(context.Background(), IdleConfig{URL: "ws://127.0.0.1:1/", Connections: 1}); err == nil {
		t.Fatal("no error without ServerMemory")
	}
}
