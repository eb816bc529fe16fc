package cluster

import (
	"testing"

	"github.com/symscore/symscore/internal/testkit/natstest"
)

// TestJobsAcrossNodes: a job written by one node is read by another, only for its
// customer; ids that cannot be jobs are not found, without asking the bus.
func TestJobsAcrossNodes(t *testing.T) {
	bus := natstest.Start(t)
	a := openNode(t, testOptions(bus.URL(), "a"))
	b := openNode(t, testOptions(bus.URL(), "b"))
	must(t, a.Jobs().Put("c1", "JOB2", JobRecord{}))
	rec, found, err := b.Jobs().Get("c1", "JOB2")
	if err != nil || !found || rec.Done || rec.Node != "a" {
		t.Fatalf("running job from b: %+v, %v, %v", rec, found, err)
	}
	must(t, a.Jobs().Put("c1", "JOB2", JobRecord{Done: true, Status: "BAD_REQUEST", Msg: "singular"}))
	rec, found, err = b.Jobs().Get("c1", "JOB2")
	if err != nil || !found || !rec.Done || rec.Status != "BAD_REQUEST" || rec.Msg != "singular" {
		t.Fatalf("finished job from b: %+v, %v, %v", rec, found, err)
	}
	for _, tc := range [][2]string{{"c2", "JOB2"}, {"c1", "JOB3"}, {"c1", ""}, {"c1", "a.b"}, {"c1", "*"}, {"c1", ">"}} {
		if _, found, err := b.Jobs().Get(tc[0], tc[1]); found || err != nil {
			t.Errorf("Get(%q, %q): found %v, %v", tc[0], tc[1], found, err)
		}
	}
	if err := a.Jobs().Put("c1", "a.b", JobRecord{}); err == nil {
		t.Error("a job id with a dot was written")
	}
	// Customers whose ids differ only where an unescaped key would not show it.
	must(t, a.Jobs().Put("c.1", "J", JobRecord{Done: true, Status: "OK"}))
	if _, found, _ := b.Jobs().Get("c", "J"); found {
		t.Error("customer c reads a job of customer c.1")
	}
}
