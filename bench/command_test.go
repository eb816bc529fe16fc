package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// childCLIEnv makes the test binary run the bench command with the arguments after "--".
const childCLIEnv = "SYMSCORE_BENCH_CHILD_CLI"

func runChildCLI() int {
	i := slices.Index(os.Args, "--")
	cmd := NewCommand()
	cmd.SetArgs(os.Args[i+1:])
	if err := cmd.Execute(); err != nil {
		return 1
	}
	return 0
}

// useTestFloorsExec runs floor child processes as this test binary.
func useTestFloorsExec(t *testing.T) {
	saved := floorsExec
	floorsExec = func(benchPath []string, cpus string, args []string) (*exec.Cmd, error) {
		argv := append([]string{"-test.run=^$", "--", "serve-floors"}, args...)
		c := exec.Command(os.Args[0], argv...)
		c.Env = append(os.Environ(), childCLIEnv+"=1")
		return c, nil
	}
	t.Cleanup(func() { floorsExec = saved })
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := NewCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestCommandEcho(t *testing.T) {
	wsURL, tcpURL := startFloors(t)
	out, err := runCLI(t, "--mode", "echo", "--url", wsURL, "--duration", "100ms", "--warmup", "10ms", "--connections", "2", "--pipeline", "2")
	if err != nil || !strings.Contains(out, "p99.9") || !strings.Contains(out, "echo") {
		t.Fatalf("%v\n%s", err, out)
	}
	// An echo is not an OK envelope.
	out, err = runCLI(t, "--mode", "echo", "--url", wsURL, "--count", "20", "--warmup", "0", "--check", "ok")
	if err == nil || !strings.Contains(out, "FAILED: 20 errors") {
		t.Fatalf("--check ok against an echo: %v\n%s", err, out)
	}
	out, err = runCLI(t, "--mode", "echo", "--url", wsURL, "--count", "20", "--warmup", "0", "--check", "none")
	if err != nil {
		t.Fatalf("--check none: %v\n%s", err, out)
	}
	out, err = runCLI(t, "--mode", "tcp", "--url", tcpURL, "--count", "300", "--warmup", "0", "--rows", "5", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var r Report
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Count != 300 || r.Rows != 5 || r.MessageBytes != len(LearnPayload(5, 1)) {
		t.Fatalf("%v %+v", err, r)
	}
}

func TestCommandFloorsInChildProcess(t *testing.T) {
	useTestFloorsExec(t)
	target, err := StartWSEchoOptions("127.0.0.1:0", WSEchoOptions{PoolIdleBuffers: true})
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	out, err := runCLI(t, "--mode", "echo", "--url", target.URL(), "--floors", "--rounds", "1", "--duration", "50ms", "--warmup", "10ms")
	if err != nil || !strings.Contains(out, "echo / ws floor") || !strings.Contains(out, "in another process") {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("\n%s", out)
}

func TestCommandIdleFloor(t *testing.T) {
	useTestFloorsExec(t)
	out, err := runCLI(t, "idle", "--floor", "--connections", "300", "--send", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var r IdleReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Connections != 300 || r.After == 0 {
		t.Fatalf("%v %+v", err, r)
	}
	if _, err := runCLI(t, "idle", "--url", "ws://127.0.0.1:1/"); err == nil || !strings.Contains(err.Error(), "--pid") {
		t.Fatalf("idle without --pid: %v", err)
	}
}

func TestCommandRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{args: []string{"--mode", "predict"}, want: "--cid and --secret are required"},
		{args: []string{"--mode", "learn", "--cid", "c1", "--secret", "not base64"}, want: "secret"},
		{args: []string{"--mode", "predict", "--setup", "--cid", "c1"}, want: "--cid and --secret are required"},
		{args: []string{"--mode", "tcp"}, want: "--url tcp://"},
		{args: []string{"--mode", "nope"}, want: "--mode must be"},
		{args: []string{"--mode", "echo", "--duration", "0"}, want: ErrUnbounded.Error()},
		{args: []string{"--mode", "echo", "--duration", "2m"}, want: "cap"},
		{args: []string{"--mode", "echo", "--url", "tcp://127.0.0.1:1"}, want: "needs a ws://"},
		{args: []string{"--mode", "echo", "--check", "maybe"}, want: "--check must be"},
		{args: []string{"--mode", "echo", "--setup"}, want: "--setup applies to modes predict and learn"},
		{args: []string{"--mode", "learn", "--sign-every"}, want: "predict only"},
	} {
		_, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.args, err, tc.want)
		}
	}
}

// fakeSigner marks messages as signed: "<N>,{"signed":<seq>,"keys":[...]}<payload>".
type fakeSigner struct {
	cid string
	now func() time.Time
}

func (s fakeSigner) AppendWSMessage(dst []byte, serviceURL string, extraKeys []string, payload []byte) []byte {
	keys, _ := json.Marshal(extraKeys)
	hdr := fmt.Sprintf(`{"cid":%q,"date":%q,"url":%q,"keys":%s}`, s.cid, s.now().Format(time.RFC3339Nano), serviceURL, keys)
	return append(fmt.Appendf(dst, "%d,%s", len(hdr), hdr), payload...)
}

func (fakeSigner) SignREST(method, resource, rawQuery string, body []byte) (string, string, string) {
	return "", "", ""
}

// fakeSymscore answers every message with an OK envelope and records what it received.
type fakeSymscore struct {
	mu       sync.Mutex // guards received
	received map[int][]string
	ln       net.Listener
}

func startFakeSymscore(t *testing.T) *fakeSymscore {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSymscore{received: map[int][]string{}, ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for id := 0; ; id++ {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				if _, err := ws.Upgrade(conn); err != nil {
					return
				}
				for {
					msg, err := wsutil.ReadClientText(conn)
					if err != nil {
						return
					}
					f.mu.Lock()
					f.received[id] = append(f.received[id], string(msg))
					f.mu.Unlock()
					reply := `{"statusCode":"OK","statusString":"OK","values":{}}`
					if wsutil.WriteServerText(conn, []byte(reply)) != nil {
						return
					}
				}
			}()
		}
	}()
	return f
}

func TestCommandSignsFirstMessageOnly(t *testing.T) {
	saved := newSigner
	defer func() { newSigner = saved }()
	newSigner = func(cid, secret string, now func() time.Time) (Signer, error) {
		return fakeSigner{cid: cid, now: now}, nil
	}

	for _, mode := range []string{ModePredict, ModeLearn} {
		srv := startFakeSymscore(t)
		url := "ws://" + srv.ln.Addr().String() + "/symetry/ws/" + mode
		out, err := runCLI(t, "--mode", mode, "--url", url, "--cid", "c1", "--secret", "s", "--project", "p1",
			"--model", "m1", "--connections", "3", "--count", "30", "--warmup", "0", "--rows", "7")
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		payload, keys := string(PredictPayload()), `["p1","m1"]`
		if mode == ModeLearn {
			payload, keys = string(LearnPayload(7, 1)), `["p1"]`
		}
		srv.mu.Lock()
		firsts := map[string]bool{}
		total := 0
		for id, msgs := range srv.received {
			first := msgs[0]
			if !strings.Contains(first, `"cid":"c1"`) || !strings.Contains(first, `"keys":`+keys) ||
				!strings.Contains(first, `"url":"`+url+`"`) || !strings.HasSuffix(first, payload) {
				t.Fatalf("%s: connection %d: first message %.200q", mode, id, first)
			}
			firsts[first] = true
			for _, m := range msgs[1:] {
				if m != payload {
					t.Fatalf("%s: later message is not the bare payload: %.100q", mode, m)
				}
			}
			total += len(msgs) - 1
		}
		srv.mu.Unlock()
		if len(firsts) != 3 {
			t.Fatalf("%s: %d distinct first messages over 3 connections", mode, len(firsts))
		}
		if total != 30 {
			t.Fatalf("%s: %d bare messages, want 30", mode, total)
		}
	}
}

func TestLoopbackSources(t *testing.T) {
	if got := loopbackSources("ws://127.0.0.1:8080/x", 10_000); got != nil {
		t.Fatalf("10 000 connections: %v", got)
	}
	if got := loopbackSources("ws://127.0.0.1:8080/x", 60_000); !slices.Equal(got, []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}) {
		t.Fatalf("60 000 connections: %v", got)
	}
	if got := loopbackSources("ws://10.0.0.1:8080/x", 60_000); got != nil {
		t.Fatalf("not loopback: %v", got)
	}
}
