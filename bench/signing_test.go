package bench

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/protocol"
)

const (
	testCID    = "c1"
	testSecret = "A1ciUrDJgm5LIJU710bxeQ=="
)

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

func TestCommandSignaturesVerify(t *testing.T) {
	for _, mode := range []string{ModePredict, ModeLearn} {
		srv := startVerifyingSymscore(t)
		url := "ws://" + srv.ln.Addr().String() + "/symetry/ws/" + mode
		out, err := runCLI(t, "--mode", mode, "--url", url, "--cid", testCID, "--secret", testSecret,
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
	_, err := runCLI(t, "--mode", "predict", "--url", url, "--cid", testCID, "--secret", "AAAAAAAAAAAAAAAAAAAAAA==", "--count", "1")
	if err == nil || !strings.Contains(err.Error(), "UNAUTHORIZED") {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestSetupSignaturesVerify(t *testing.T) {
	ks, err := auth.NewKeyStore(map[string][]string{testCID: {testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		verified int
	)
	verifier := auth.NewVerifier(ks, auth.Options{}, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		err := verifier.VerifyREST(&auth.RESTRequest{
			Method: r.Method, Date: r.Header.Get("sym-date"), MD5: r.Header.Get("Content-MD5"),
			Signature: r.Header.Get("Authorization"), CID: testCID, Body: body,
			Path: r.URL.Path, RawQuery: r.URL.RawQuery, Scheme: "http", Host: r.Host,
		})
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(protocol.AppendReply(nil, protocol.StatusUnauthorized, err.Error()))
			return
		}
		verified++
		if r.URL.Path == "/symetry/rest/c1/projects" {
			w.WriteHeader(http.StatusCreated)
		}
	}))
	defer srv.Close()
	signer, err := newSigner(testCID, testSecret, uniqueClock())
	if err != nil {
		t.Fatal(err)
	}
	err = Setup(context.Background(), SetupConfig{BaseURL: srv.URL, CID: testCID, Signer: signer, Project: "p1", Model: "m1"})
	if err != nil || verified != 3 {
		t.Fatalf("%v, %d requests verified", err, verified)
	}
}
