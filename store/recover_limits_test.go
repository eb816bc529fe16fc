package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/symscore/symscore/model"
)

// TestRecoveryIgnoresTodaysLimits: what the log and snapshots hold was accepted under the
// limits and name rules of its time; a restart under tighter ones (a smaller customer
// budget, a shorter name limit) recovers it all and only refuses new growth.
func TestRecoveryIgnoresTodaysLimits(t *testing.T) {
	dir := t.TempDir()
	opts := durable(dir)
	opts.Limits = model.Limits{MaxNameBytes: 400}
	s := open(t, opts)
	long := strings.Repeat("p", 300) // past the default limit too
	must(t, s.Create("c1", long, "", nil))
	must(t, s.Learn("c1", long, parse(t, `{"attributeNames":["x","y"],"attributeTypes":["C","B"],"data":[["1","0"],["2","1"]]}`, "")))
	must(t, s.Create("c1", "b", "", nil))
	crash(t, s)

	opts.Limits = model.Limits{MaxNameBytes: 8, MaxCustomerBytes: 100}
	s = open(t, opts)
	p, err := s.Project("c1", long)
	if err != nil || p.Rows() != 2 {
		t.Fatalf("recovered project: %v", err)
	}
	if err := s.Create("c1", "c", "", nil); !errors.Is(err, model.ErrCustomerTooLarge) {
		t.Fatalf("growth past today's budget: %v", err)
	}
	if err := s.Create("c2", "long-id-x", "", nil); !errors.Is(err, model.ErrNameTooLong) {
		t.Fatalf("a new id past today's name limit: %v", err)
	}
}
