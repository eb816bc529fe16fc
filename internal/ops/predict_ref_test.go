package ops

import (
	"context"
	"errors"
	"testing"

	"github.com/symscore/symscore/auth"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
)

// TestPredictModelRef: a caller's ModelRef never gives a model the lookups would not: a
// rebuilt model, a deleted model or project, a project deleted and made again, another
// customer, another project or model id are all seen at once.
func TestPredictModelRef(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	sc := s.Scratch()
	defer s.Release(sc)
	rows := `{"attributeNames":["x","y"],"attributeTypes":["C","C"],"data":[["1","2"],["2","4.5"],["3","5.5"],["4","8"]]}`
	setup := func(c Customer, pid string) {
		t.Helper()
		if err := s.Create(c, pid, "", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Learn(sc, c, pid, []byte(rows)); err != nil {
			t.Fatal(err)
		}
	}
	build := func(c Customer, pid, algo, id string) {
		t.Helper()
		job, err := s.Build(c, &BuildArgs{PID: pid, Algo: algo, ModelID: id, Replace: true,
			Context: model.MLContext{InputNames: []string{"x"}, TargetNames: []string{"y"}}})
		if err != nil {
			t.Fatal(err)
		}
		if js, err := s.WaitJob(context.Background(), c, job); err != nil || js.Status != protocol.StatusOK {
			t.Fatalf("build: %+v %v", js, err)
		}
	}
	var ref ModelRef
	var plan model.Plan
	predict := func(c Customer, pid, id string) (*model.Model, error) {
		t.Helper()
		preds, err := s.Predict(sc, c, &PredictArgs{PID: pid, ModelID: id, Plan: &plan, Ref: &ref,
			Frame: []byte(`{"attributeNames":["x"],"attributeTypes":["C"],"data":[["2"]]}`)})
		if err != nil {
			return nil, err
		}
		return preds.Model(), nil
	}
	current := func(c Customer, pid, id string) *model.Model {
		t.Helper()
		p, err := s.project(c, pid)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := p.Model(id)
		if !ok {
			t.Fatalf("no model %s", id)
		}
		return m
	}
	want := func(what string, got *model.Model, err error, m *model.Model) {
		t.Helper()
		if err != nil || got != m {
			t.Fatalf("%s: model %p %v, want %p", what, got, err, m)
		}
	}
	refused := func(what string, err error, target error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Fatalf("%s: %v, want %v", what, err, target)
		}
	}

	setup(c1, "p")
	build(c1, "p", "mlr", "m")
	m1 := current(c1, "p", "m")
	got, err := predict(c1, "p", "m")
	want("first", got, err, m1)
	got, err = predict(c1, "p", "m")
	want("again", got, err, m1)

	build(c1, "p", "ridge", "m")
	m2 := current(c1, "p", "m")
	got, err = predict(c1, "p", "m")
	want("after a rebuild", got, err, m2)

	build(c1, "p", "mlr", "other")
	got, err = predict(c1, "p", "other")
	want("another model id", got, err, current(c1, "p", "other"))
	got, err = predict(c1, "p", "m")
	want("back to the first id", got, err, m2)

	if err := s.DeleteModel(c1, "p", "m"); err != nil {
		t.Fatal(err)
	}
	_, err = predict(c1, "p", "m")
	refused("a deleted model", err, model.ErrModelNotFound)

	got, err = predict(c1, "p", "other")
	want("the model left", got, err, current(c1, "p", "other"))
	setup(c2, "p")
	build(c2, "p", "mlr", "other")
	got, err = predict(c2, "p", "other")
	want("another customer's project of the same id", got, err, current(c2, "p", "other"))
	got, err = predict(c1, "p", "other")
	want("the first customer again", got, err, current(c1, "p", "other"))

	if err := s.Delete(c1, "p"); err != nil {
		t.Fatal(err)
	}
	_, err = predict(c1, "p", "other")
	refused("a deleted project", err, model.ErrProjectNotFound)
	setup(c1, "p")
	build(c1, "p", "mlr", "other")
	got, err = predict(c1, "p", "other")
	want("a project made again", got, err, current(c1, "p", "other"))

	setup(c1, "q")
	_, err = predict(c1, "q", "other")
	refused("another project id", err, model.ErrModelNotFound)
}

// TestVerifyWSCustomersInTurn: one scratch verifying the messages of customers in turn
// names each message's own customer.
func TestVerifyWSCustomersInTurn(t *testing.T) {
	s, _ := open(t, testConfig(t), nil)
	sc := s.Scratch()
	defer s.Release(sc)
	signers := map[Customer]*auth.Signer{}
	for c, secret := range map[Customer]string{c1: testenv.Secret1, c2: testenv.Secret2} {
		sg, err := auth.NewSigner(c.ID(), secret, nil)
		if err != nil {
			t.Fatal(err)
		}
		signers[c] = sg
	}
	for i, c := range []Customer{c1, c1, c2, c1, c2, c2} {
		msg, err := sc.ParseMessage(signers[c].AppendWSMessage(nil, "ws://h/symetry/ws/predict", []string{"p", "m"}, []byte(`{}`)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := sc.VerifyWS(&auth.WSRequest{Date: msg.Date, MD5: msg.MD5, Signature: msg.Signature, CID: msg.CID,
			Payload: msg.Payload, ExtraKeys: msg.ExtraKeys, Scheme: "ws", Host: "h", Path: "/symetry/ws/predict"})
		if err != nil || got.ID() != c.ID() || !got.Valid() {
			t.Fatalf("message %d of %s: customer %q, %v", i, c.ID(), got.ID(), err)
		}
	}
}
