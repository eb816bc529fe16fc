package client_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/config"
)

// TestSessionPipelinesRepliesInOrder sends many messages before waiting for any: each
// carries a different number of rows under errorHandling 1, so each reply's rowsApplied
// says which message it answers.
func TestSessionPipelinesRepliesInOrder(t *testing.T) {
	for _, signEvery := range []bool{false, true} {
		t.Run(fmt.Sprintf("signEvery=%v", signEvery), func(t *testing.T) {
			ts := startServer(t, seedProject(t, "p"), nil)
			var opts []client.Option
			if signEvery {
				opts = append(opts, client.WithSignEveryFrame())
			}
			c := newClient(t, ts, secret1, opts...)
			s, err := c.OpenLearn(ctxT(t), "p")
			if err != nil {
				t.Fatal(err)
			}
			const messages = 300
			var pend []*client.Pending
			total := 0
			for i := range messages {
				df := frame(t, []string{"x", "y"}, []string{"C", "B"}, nil)
				df.SetErrorHandling(1)
				for r := range i%7 + 1 {
					df.AddRow(strconv.Itoa(i*10+r), strconv.Itoa(r%2))
				}
				total += df.Rows()
				pend = append(pend, s.Send(df.JSON()))
			}
			for i, p := range pend {
				r, err := p.Wait()
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				applied, skipped, ok := r.RowCounts()
				if !ok || applied != int64(i%7+1) || skipped != 0 {
					t.Fatalf("message %d: reply %s %s, want %d rows applied", i, r.Status, r.Values, i%7+1)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if got := ts.projectRows(t, "p"); got != int64(total) {
				t.Errorf("project rows %d, want %d", got, total)
			}
		})
	}
}

func TestSessionErrorRepliesAreStatusErrorsAndTheSessionGoesOn(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	c := newClient(t, ts, secret1)
	ctx := ctxT(t)
	s, err := c.OpenLearn(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	good := frame(t, []string{"x"}, []string{"C"}, [][]string{{"1"}, {"2"}}).JSON()
	bad := frame(t, []string{"x"}, []string{"C"}, [][]string{{"1"}, {"abc"}}).JSON()
	for i, tc := range []struct {
		payload        []byte
		status         string
		code           int
		msg            string
		wantNoRowsLeft bool
	}{
		{payload: good, status: "OK", code: 200},
		{payload: bad, status: "BAD_REQUEST", code: 400, msg: `row 1, column "x": "abc" is not a number`},
		{payload: []byte(`{"attributeNames":["x"]`), status: "BAD_REQUEST", code: 400, msg: "DataFrame is not valid JSON"},
		{payload: good, status: "OK", code: 200},
	} {
		r, err := s.Do(ctx, tc.payload)
		if tc.status == "OK" {
			if err != nil || r.Status != "OK" || r.HTTPCode != 200 {
				t.Fatalf("message %d: %v %v", i, r, err)
			}
			continue
		}
		expectStatus(t, err, tc.status, tc.code, tc.msg)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := ts.projectRows(t, "p"); got != 4 {
		t.Errorf("project rows %d, want 4: a refused message must apply nothing", got)
	}
}

func TestSessionUnknownProject(t *testing.T) {
	ts := startServer(t, nil, nil)
	c := newClient(t, ts, secret1)
	s, err := c.OpenLearn(ctxT(t), "nope")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Do(ctxT(t), frame(t, []string{"x"}, []string{"C"}, [][]string{{"1"}}).JSON())
	expectStatus(t, err, "BAD_REQUEST", 400, "cannot find project")
}

// TestSessionBadCredentials: the first message is refused UNAUTHORIZED with the server's
// string to sign (secret masked), then the server closes with 1008 and every later
// message fails with a *CloseError.
func TestSessionBadCredentials(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	for _, tc := range []struct {
		name, cid, secret string
		msg               string
		wantStringToSign  bool
	}{
		{name: "wrong secret", cid: cid1, secret: secret2, msg: "signature", wantStringToSign: true},
		{name: "unknown customer", cid: "nobody", secret: secret1, msg: "customer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := client.New(ts.base, tc.cid, tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.OpenLearn(ctxT(t), "p")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			payload := frame(t, []string{"x"}, []string{"C"}, [][]string{{"1"}}).JSON()
			first, second := s.Send(payload), s.Send(payload)
			_, err = first.Wait()
			se := expectStatus(t, err, "UNAUTHORIZED", 401, tc.msg)
			if tc.wantStringToSign != (se.StringToSign != "") {
				t.Errorf("StringToSign %q", se.StringToSign)
			}
			if tc.wantStringToSign && (!strings.Contains(se.StringToSign, "\nSECRETKEY\n") || strings.Contains(se.StringToSign, tc.secret)) {
				t.Errorf("StringToSign %q: want the secret masked as SECRETKEY", se.StringToSign)
			}
			if strings.Contains(err.Error(), tc.secret) {
				t.Errorf("error %q shows the secret", err)
			}
			_, err = second.Wait()
			var ce *client.CloseError
			if !errors.As(err, &ce) || ce.Code != 1008 {
				t.Fatalf("second message: %v, want a *CloseError 1008", err)
			}
			if _, err := s.Send(payload).Wait(); !errors.As(err, &ce) || ce.Code != 1008 {
				t.Errorf("message after the close: %v, want the *CloseError 1008", err)
			}
		})
	}
	if got := ts.projectRows(t, "p"); got != 0 {
		t.Errorf("project rows %d after refused messages", got)
	}
}

// TestSessionSignedFramesOnly: a server that refuses bare frames takes every message of a
// client that signs every frame, and refuses the second message of one that does not.
func TestSessionSignedFramesOnly(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), func(c *config.Config) { c.Auth.SignedFramesOnly = true })
	payload := frame(t, []string{"x"}, []string{"C"}, [][]string{{"1"}}).JSON()

	s, err := newClient(t, ts, secret1, client.WithSignEveryFrame()).OpenLearn(ctxT(t), "p")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := s.Do(ctxT(t), payload); err != nil {
			t.Fatalf("signed message %d: %v", i, err)
		}
	}
	s.Close()

	s, err = newClient(t, ts, secret1).OpenLearn(ctxT(t), "p")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Do(ctxT(t), payload); err != nil {
		t.Fatalf("first message: %v", err)
	}
	_, err = s.Do(ctxT(t), payload)
	expectStatus(t, err, "BAD_REQUEST", 400, "signed_frames_only")
}

func TestSessionSendAfterClose(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	s, err := newClient(t, ts, secret1).OpenLearn(ctxT(t), "p")
	if err != nil {
		t.Fatal(err)
	}
	payload := frame(t, []string{"x"}, []string{"C"}, [][]string{{"1"}}).JSON()
	p := s.Send(payload)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(); err != nil {
		t.Errorf("message sent before Close: %v", err)
	}
	if _, err := s.Send(payload).Wait(); !errors.Is(err, client.ErrClosed) {
		t.Errorf("Send after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestSessionPredict(t *testing.T) {
	ts := startServer(t, seedIris(t, "iris", map[string]string{"lda": "Iris_virginica", "mlda": "species"}), nil)
	c := newClient(t, ts, secret1)
	header, rows := iris(t)
	var in [][]string
	for _, r := range []int{0, 50, 100, 149} {
		in = append(in, rows[r][:4])
	}
	payload := frame(t, header[:4], irisTypes[:4], in).JSON()
	for _, tc := range []struct {
		model string
		keys  []string
		res   []string
	}{
		{model: "lda", keys: []string{"res", "resZ", "z0", "z1LTz0", "normZ", "prob"}, res: []string{"0", "0", "1", "1"}},
		{model: "mlda", keys: []string{"res", "setosa", "versicolor", "virginica"}, res: []string{"setosa", "versicolor", "virginica", "virginica"}},
	} {
		t.Run(tc.model, func(t *testing.T) {
			s, err := c.OpenPredict(ctxT(t), "iris", tc.model)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r, err := s.Do(ctxT(t), payload)
			if err != nil {
				t.Fatal(err)
			}
			preds, err := r.Predictions()
			if err != nil || len(preds) != 4 {
				t.Fatalf("%d predictions, %v", len(preds), err)
			}
			keys, err := r.PredictionKeys()
			if err != nil || strings.Join(keys, ",") != strings.Join(tc.keys, ",") {
				t.Errorf("keys %v (%v), want %v", keys, err, tc.keys)
			}
			for i, p := range preds {
				if p["res"] != tc.res[i] {
					t.Errorf("row %d: res %q, want %q", i, p["res"], tc.res[i])
				}
				for _, k := range tc.keys[1:] {
					if v, err := p.Float(k); err != nil || v != v {
						t.Errorf("row %d: %s = %q: %v", i, k, p[k], err)
					}
				}
			}
			// An unknown model is an error reply; the session stays usable.
			s2, err := c.OpenPredict(ctxT(t), "iris", "nope")
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			_, err = s2.Do(ctxT(t), payload)
			expectStatus(t, err, "BAD_REQUEST", 400, "cannot find model")
		})
	}
}

// TestSessionConcurrentSenders: goroutines sharing a session each get the replies of their
// own messages.
func TestSessionConcurrentSenders(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	s, err := newClient(t, ts, secret1).OpenLearn(ctxT(t), "p")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const senders, each = 8, 40
	errs := make(chan error, senders)
	for g := range senders {
		go func() {
			var pend []*client.Pending
			for i := range each {
				df, _ := client.NewDataFrame([]string{"x"}, []string{"C"}) // not frame: no t.Fatal off the test goroutine
				df.SetErrorHandling(1)
				for r := range g + 1 {
					df.AddRow(strconv.Itoa(i*100 + r))
				}
				pend = append(pend, s.Send(df.JSON()))
			}
			for i, p := range pend {
				r, err := p.Wait()
				if err != nil {
					errs <- err
					return
				}
				if n, _, _ := r.RowCounts(); n != int64(g+1) {
					errs <- fmt.Errorf("sender %d message %d: %d rows applied, want %d", g, i, n, g+1)
					return
				}
			}
			errs <- nil
		}()
	}
	for range senders {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestSessionServerShutdown: a server going down closes its sessions with 1001, which
// fails what is sent afterwards.
func TestSessionServerShutdown(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	s, err := newClient(t, ts, secret1).OpenLearn(ctxT(t), "p")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	payload := frame(t, []string{"x"}, []string{"C"}, [][]string{{"1"}}).JSON()
	if _, err := s.Do(ctxT(t), payload); err != nil {
		t.Fatal(err)
	}
	ts.stop(t)
	select {
	case <-s.Done():
	case <-ctxT(t).Done():
		t.Fatal("the session is still open after the server shut down")
	}
	var ce *client.CloseError
	if !errors.As(s.Err(), &ce) || ce.Code != 1001 {
		t.Errorf("session ended with %v, want a *CloseError 1001", s.Err())
	}
	if _, err := s.Send(payload).Wait(); !errors.As(err, &ce) {
		t.Errorf("Send after the shutdown: %v", err)
	}
}
