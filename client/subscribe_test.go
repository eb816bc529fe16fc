package client_test

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
)

// next takes the next message of s that satisfies ok (failing the test after 10 s).
func next(t *testing.T, s *client.Subscription, what string, ok func(*client.Message) bool) *client.Message {
	t.Helper()
	timeout := time.After(testenv.EventuallyTimeout)
	for {
		select {
		case m, open := <-s.Messages():
			if !open {
				t.Fatalf("subscription ended (%v) waiting for %s", s.Err(), what)
			}
			if ok(m) {
				return m
			}
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func ofType(typ string) func(*client.Message) bool {
	return func(m *client.Message) bool { return m.Type == typ }
}

// TestSubscription: names first, the answer, typed first values equal to explore's, a
// learn's new values, $project, $log and $models, unsubscribe, the end on the project's
// deletion.
func TestSubscription(t *testing.T) {
	ts := startServer(t, seedIris(t, "iris", nil), nil)
	c := newClient(t, ts, secret1)
	ctx := ctxT(t)
	s, err := c.Subscribe(ctx, "iris", []string{"sepal_length", "nope", "$project", "$log", "$models"}, [][2]string{{"sepal_length", "petal_length"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	header, rows := iris(t)
	m := <-s.Messages()
	if m.Type != "names" || !m.Initial || len(m.Names) != 10 || m.Names[0] != "sepal_length" {
		t.Fatalf("first message %+v", m)
	}
	m = next(t, s, "subscribed", ofType("subscribed"))
	if !slices.Equal(m.Pending, []string{"nope"}) || len(m.Pairs) != 1 {
		t.Fatalf("subscribed %+v", m)
	}
	first := map[string]*client.Message{}
	next(t, s, "three first values", func(m *client.Message) bool {
		if m.Type == "data" {
			first[m.Name] = m // the pair's Name is ""
		}
		return len(first) == 3
	})
	m = first["sepal_length"]
	stats, err := c.Explore(ctx, "iris", "uni", client.MLContext{Inputs: []string{"sepal_length"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range stats[0].Keys[:6] {
		if got, want := m.Values[k], stats[0].Values[i]; math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Fatalf("%s = %v, explore says %v", k, got, want)
		}
	}
	if m.Values["count"] != 150 || m.Time.IsZero() || m.Version == 0 {
		t.Fatalf("data %+v", m)
	}
	pm := first[""]
	if pm.Pair != [2]string{"sepal_length", "petal_length"} || math.IsNaN(pm.Values["linCorr"]) || pm.Values["linCorr"] < 0.8 {
		t.Fatalf("pair %+v", pm)
	}
	pj := first["$project"]
	if pj.Project == nil || pj.Project.Rows != 150 || pj.Project.Attributes != 10 || pj.Project.Frozen || pj.Project.LastModificationDate.IsZero() {
		t.Fatalf("$project %+v", pj.Project)
	}

	ls, err := c.OpenLearn(ctx, "iris")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ls.Do(ctx, frame(t, header, irisTypes, rows[:2]).JSON()); err != nil {
		t.Fatal(err)
	}
	ls.Close()
	var lg *client.Message
	m = nil
	next(t, s, "sepal_length and the log after the learn", func(x *client.Message) bool {
		switch {
		case x.Type == "log":
			lg = x
		case x.Type == "data" && x.Name == "sepal_length" && x.Values["count"] == 152:
			m = x
		}
		return lg != nil && m != nil
	})
	if len(lg.Entries) != 1 || lg.Entries[0].Op != "learn" || lg.Entries[0].Rows != 2 || lg.Entries[0].Version != m.Version {
		t.Fatalf("log %+v", lg)
	}
	if err := c.Build(ctx, "iris", "lda", "m1", client.MLContext{Inputs: header[:4], Targets: []string{"Iris_setosa"}}); err != nil {
		t.Fatal(err)
	}
	if mm := next(t, s, "the model", ofType("model")); mm.Event != "built" || mm.ModelID != "m1" || mm.ModelType != "lda" || mm.Version != m.Version+1 {
		t.Fatalf("model %+v", mm)
	}

	if err := s.Unsubscribe([]string{"sepal_length"}, nil); err != nil {
		t.Fatal(err)
	}
	next(t, s, "unsubscribed", ofType("unsubscribed"))
	if err := s.Subscribe([]string{"petal_width", "x\ny"}, nil); err != nil {
		t.Fatal(err)
	}
	if e := next(t, s, "the refusal", ofType("error")); e.Err.Status != "BAD_REQUEST" || e.Err.HTTPCode != 400 {
		t.Fatalf("error %+v", e.Err)
	}

	if err := c.DeleteProject(ctx, "iris"); err != nil {
		t.Fatal(err)
	}
	for m := range s.Messages() {
		if m.Type == "data" && m.Name == "sepal_length" {
			t.Fatalf("data of sepal_length after unsubscribe: %+v", m)
		}
		if m.Type == "closed" && m.Reason != "project deleted" {
			t.Fatalf("closed %+v", m)
		}
	}
	var ce *client.CloseError
	if !errors.As(s.Err(), &ce) || ce.Code != 1000 {
		t.Fatalf("end %v, want a close 1000", s.Err())
	}
}

// TestSubscriptionRefused: a bad secret or an unknown project is a *StatusError from
// Subscribe itself.
func TestSubscriptionRefused(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	_, err := newClient(t, ts, secret2).Subscribe(ctxT(t), "p", nil, nil)
	if se := statusError(t, err); se.Status != "UNAUTHORIZED" || se.StringToSign == "" {
		t.Fatalf("bad secret: %+v", se)
	}
	_, err = newClient(t, ts, secret1).Subscribe(ctxT(t), "nope", []string{"*"}, nil)
	if se := statusError(t, err); se.Status != "BAD_REQUEST" {
		t.Fatalf("unknown project: %+v", se)
	}
}

// TestSubscriptionClose: Close ends the subscription even when nobody reads Messages.
func TestSubscriptionClose(t *testing.T) {
	ts := startServer(t, seedProject(t, "p"), nil)
	s, err := newClient(t, ts, secret1).Subscribe(ctxT(t), "p", []string{"$project"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(s.Err(), client.ErrClosed) {
		t.Fatalf("after Close: %v", s.Err())
	}
	if err := s.Subscribe([]string{"x"}, nil); !errors.Is(err, client.ErrClosed) {
		t.Fatalf("Subscribe after Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
