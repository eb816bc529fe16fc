package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/bench"
	"github.com/symscore/symscore/protocol"
)

// useTestFloorsExec runs the floors' child processes as the symscore binary built for the
// tests.
func useTestFloorsExec(t *testing.T) {
	saved := benchExecutable
	bin := symscoreBinary(t)
	benchExecutable = func() (string, error) { return bin, nil }
	t.Cleanup(func() { benchExecutable = saved })
}

// benchCLI runs "symscore bench args..." in process and returns its output.
func benchCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append([]string{"bench"}, args...))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestBenchCommandEcho(t *testing.T) {
	wsURL, tcpURL := startBenchFloors(t)
	out, err := benchCLI(t, "--mode", "echo", "--url", wsURL, "--duration", "100ms", "--warmup", "10ms", "--connections", "2", "--pipeline", "2")
	if err != nil || !strings.Contains(out, "p99.9") || !strings.Contains(out, "echo") {
		t.Fatalf("%v\n%s", err, out)
	}
	// An echo is not an OK envelope.
	out, err = benchCLI(t, "--mode", "echo", "--url", wsURL, "--count", "20", "--warmup", "0", "--check", "ok")
	if err == nil || !strings.Contains(out, "FAILED: 20 errors") {
		t.Fatalf("--check ok against an echo: %v\n%s", err, out)
	}
	out, err = benchCLI(t, "--mode", "echo", "--url", wsURL, "--count", "20", "--warmup", "0", "--check", "none")
	if err != nil {
		t.Fatalf("--check none: %v\n%s", err, out)
	}
	out, err = benchCLI(t, "--mode", "tcp", "--url", tcpURL, "--count", "300", "--warmup", "0", "--rows", "5", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var r bench.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Count != 300 || r.Rows != 5 || r.MessageBytes != len(bench.LearnPayload(5, 1)) {
		t.Fatalf("%v %+v", err, r)
	}
}

func TestBenchCommandFloorsInChildProcess(t *testing.T) {
	useTestFloorsExec(t)
	target, err := bench.StartWSEchoOptions("127.0.0.1:0", bench.WSEchoOptions{PoolIdleBuffers: true})
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	out, err := benchCLI(t, "--mode", "echo", "--url", target.URL(), "--floors", "--rounds", "1", "--duration", "50ms", "--warmup", "10ms")
	if err != nil || !strings.Contains(out, "echo / ws floor") || !strings.Contains(out, "in another process") {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("\n%s", out)
}

func TestBenchCommandIdleFloor(t *testing.T) {
	useTestFloorsExec(t)
	out, err := benchCLI(t, "idle", "--floor", "--connections", "300", "--send", "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var r bench.IdleReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Connections != 300 || r.After == 0 {
		t.Fatalf("%v %+v", err, r)
	}
	if _, err := benchCLI(t, "idle", "--url", "ws://127.0.0.1:1/"); err == nil || !strings.Contains(err.Error(), "--pid") {
		t.Fatalf("idle without --pid: %v", err)
	}
}

func TestBenchCommandRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{args: []string{"--mode", "predict"}, want: "--cid and --secret are required"},
		{args: []string{"--mode", "learn", "--cid", "c1", "--secret", "not base64"}, want: "secret"},
		{args: []string{"--mode", "predict", "--setup", "--cid", "c1"}, want: "--cid and --secret are required"},
		{args: []string{"--mode", "tcp"}, want: "--url tcp://"},
		{args: []string{"--mode", "nope"}, want: "--mode must be"},
		{args: []string{"--mode", "echo", "--duration", "0"}, want: bench.ErrUnbounded.Error()},
		{args: []string{"--mode", "echo", "--duration", "2m"}, want: "cap"},
		{args: []string{"--mode", "echo", "--url", "tcp://127.0.0.1:1"}, want: "needs a ws://"},
		{args: []string{"--mode", "echo", "--check", "maybe"}, want: "--check must be"},
		{args: []string{"--mode", "echo", "--setup"}, want: "--setup applies to modes predict and learn"},
		{args: []string{"--mode", "learn", "--sign-every"}, want: "predict only"},
	} {
		_, err := benchCLI(t, tc.args...)
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

func TestBenchCommandSignsFirstMessageOnly(t *testing.T) {
	saved := newBenchSigner
	defer func() { newBenchSigner = saved }()
	newBenchSigner = func(cid, secret string, now func() time.Time) (bench.Signer, error) {
		return fakeSigner{cid: cid, now: now}, nil
	}

	for _, mode := range []string{bench.ModePredict, bench.ModeLearn} {
		srv := startFakeSymscore(t)
		url := "ws://" + srv.ln.Addr().String() + "/symetry/ws/" + mode
		out, err := benchCLI(t, "--mode", mode, "--url", url, "--cid", "c1", "--secret", "s", "--project", "p1",
			"--model", "m1", "--connections", "3", "--count", "30", "--warmup", "0", "--rows", "7")
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		payload, keys := string(bench.PredictPayload()), `["p1","m1"]`
		if mode == bench.ModeLearn {
			payload, keys = string(bench.LearnPayload(7, 1)), `["p1"]`
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

// verifyingSymscore checks messages as symscore does: the first message of a connection
// must be framed and verify (with replay refusal on learn), later ones must be session
// frames. It answers OK, or UNAUTHORIZED and closes.
type verifyingSymscore struct {
	ln       net.Listener
	replay   *auth.ReplayCache
	ks       *auth.KeyStore
	mu       sync.Mutex // guards verified, sessions
	verified int
	sessions int
}

func startVerifyingSymscore(t *testing.T) *verifyingSymscore {
	ks, err := auth.NewKeyStore(map[string][]string{testCID: {testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	v := &verifyingSymscore{ln: ln, ks: ks, replay: auth.NewReplayCache(1000, auth.DefaultClockSkewPast)}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				v.serve(conn)
			}()
		}
	}()
	return v
}

func (v *verifyingSymscore) serve(conn net.Conn) {
	var host, path string
	u := ws.Upgrader{
		OnRequest: func(uri []byte) error { path = string(uri); return nil },
		OnHost:    func(h []byte) error { host = string(h); return nil },
	}
	if _, err := u.Upgrade(conn); err != nil {
		return
	}
	verifier := auth.NewVerifier(v.ks, auth.Options{}, v.replay)
	var parser protocol.Parser
	for first := true; ; first = false {
		msg, err := wsutil.ReadClientText(conn)
		if err != nil {
			return
		}
		m, err := parser.Parse(msg)
		switch {
		case err != nil:
		case first && m.Form != protocol.FormFramed:
			err = errors.New("first message not framed")
		case first:
			err = verifier.VerifyWS(&auth.WSRequest{
				Date: m.Date, MD5: m.MD5, Signature: m.Signature, CID: m.CID, Payload: m.Payload,
				ExtraKeys: m.ExtraKeys, Scheme: "ws", Host: host, Path: path,
				Change: strings.HasSuffix(path, "/learn"),
			})
		case m.Form != protocol.FormSession:
			err = errors.New("later message not a session frame")
		}
		if err != nil {
			wsutil.WriteServerText(conn, protocol.AppendReply(nil, protocol.StatusUnauthorized, err.Error()))
			return
		}
		v.mu.Lock()
		if first {
			v.verified++
		} else {
			v.sessions++
		}
		v.mu.Unlock()
		if wsutil.WriteServerText(conn, protocol.AppendOK(nil)) != nil {
			return
		}
	}
}

func TestBenchCommandSignaturesVerify(t *testing.T) {
	for _, mode := range []string{bench.ModePredict, bench.ModeLearn} {
		srv := startVerifyingSymscore(t)
		url := "ws://" + srv.ln.Addr().String() + "/symetry/ws/" + mode
		out, err := benchCLI(t, "--mode", mode, "--url", url, "--cid", testCID, "--secret", testSecret,
			"--connections", "4", "--count", "40", "--warmup", "0")
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		srv.mu.Lock()
		verified, sessions := srv.verified, srv.sessions
		srv.mu.Unlock()
		// Four connections, four distinct signatures: none is a replay of another.
		if verified != 4 || sessions != 40 {
			t.Fatalf("%s: %d verified first messages, %d session frames", mode, verified, sessions)
		}
	}
	// Another secret: the first message is refused and the run fails.
	srv := startVerifyingSymscore(t)
	url := "ws://" + srv.ln.Addr().String() + "/symetry/ws/predict"
	_, err := benchCLI(t, "--mode", "predict", "--url", url, "--cid", testCID, "--secret", "AAAAAAAAAAAAAAAAAAAAAA==", "--count", "1")
	if err == nil || !strings.Contains(err.Error(), "UNAUTHORIZED") {
		t.Fatalf("wrong secret: %v", err)
	}
}

const (
	testCID    = "c1"
	testSecret = "A1ciUrDJgm5LIJU710bxeQ=="
)

// startBenchFloors starts both floors on loopback and stops them when the test ends.
func startBenchFloors(t *testing.T) (wsURL, tcpURL string) {
	t.Helper()
	wsSrv, err := bench.StartWSEcho("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wsSrv.Close() })
	tcpSrv, err := bench.StartTCPEcho("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tcpSrv.Close() })
	return wsSrv.URL(), tcpSrv.URL()
}
