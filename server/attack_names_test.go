package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
)

// namedTFrame is a learn DataFrame of one T column named name, of rows rows taking
// distinct values ("v0", "v1", ...) in turn.
func namedTFrame(name string, rows, distinct int) string {
	var b strings.Builder
	b.WriteString(`{"attributeNames":["` + name + `"],"attributeTypes":["T"],"data":[`)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `["v%d"]`, i%distinct)
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestAttackLongNames (issue 13 item 5, scaled down from an 8 MB name over 30 000 rows): a
// T column whose name is past limits.max_name_bytes (the default, 256), with many rows,
// is refused with 400 naming the limit — over REST and on an authenticated WebSocket
// session, which goes on — and so is a name within the limit whose expansion "name$value"
// is past it. Nothing of them is learned, each refusal is counted, and another customer
// learns and predicts throughout.
func TestAttackLongNames(t *testing.T) {
	s := start(t, testkit.Config(), nil)
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	a := rest1(s)
	a.Create("p")
	a.Learn("p", []byte(namedTFrame("k", 10, 2)))
	before := a.Export("p")
	unchanged := func(what string) {
		t.Helper()
		if !bytes.Equal(a.Export("p"), before) {
			t.Fatalf("%s changed the project", what)
		}
	}

	long := namedTFrame(strings.Repeat("n", 1<<20), 30000, 4)
	a.Do(http.MethodPost, "/projects/p/learn", "", []byte(long)).Expect(t, http.StatusBadRequest, "is 1048576 bytes long; the limit is 256")
	unchanged("a 1 MiB T column name")
	b.Check()

	// Within the limit, but its expansion "name$v0" is not.
	edge := namedTFrame(strings.Repeat("e", 254), 1000, 4)
	a.Do(http.MethodPost, "/projects/p/learn", "", []byte(edge)).Expect(t, http.StatusBadRequest, "the limit is 256")
	unchanged("a T column whose expansion is too long")

	// On a WebSocket session: the long name is refused, the session goes on.
	ws := s.Sym("/symetry/ws/learn", testenv.CID1, testenv.Secret1)
	ws.Signed(namedTFrame("k", 2, 2), "p")
	ws.Expect("OK")
	ws.Bare(long)
	if e := ws.Expect("BAD_REQUEST"); !strings.Contains(e.StatusString, "the limit is 256") {
		t.Fatalf("WebSocket learn of a 1 MiB name: %q", e.StatusString)
	}
	b.Check()
	ws.Bare(namedTFrame("k", 2, 2))
	ws.Expect("OK")

	if n := s.Metric("symscore_refusals_total", "limit=max_name_bytes"); n != 3 {
		t.Errorf("max_name_bytes refusals %v, want 3", n)
	}
	p := a.Project("p")
	if p.Rows() != 14 {
		t.Fatalf("the attacker's project holds %d rows, want 14 (what was acknowledged)", p.Rows())
	}
	for _, name := range p.Snapshot().Names {
		if len(name) > 256 {
			t.Fatalf("an attribute name of %d bytes was stored", len(name))
		}
	}
	b.CheckNew()
	b.Verify()
}

// TestAttackNameBytes (issue 13 item 6, scaled down from 40 learns of 1 MiB names): learns
// that each add one long attribute name fill the project's limits.max_project_bytes, which
// counts the names: the learn past it is refused with 400 naming the limit (counted) and
// changes nothing, and the project's export stays within 4/3 of the limit. Another customer
// learns and predicts throughout.
func TestAttackNameBytes(t *testing.T) {
	cfg := testkit.Config()
	cfg.Limits.MaxNameBytes = 16 << 10
	cfg.Limits.MaxProjectBytes = 256 << 10
	s := start(t, cfg, nil)
	b := testkit.NewBystander(t, s.Addr(), testenv.CID2, testenv.Secret2)
	a := rest1(s)
	a.Create("p")
	learns := 0
	for i := 0; ; i++ {
		if i == 40 {
			t.Fatal("40 learns of 12 KiB names never filled a 256 KiB project")
		}
		name := fmt.Sprintf("%02d", i) + strings.Repeat("n", 12<<10)
		r := a.Do(http.MethodPost, "/projects/p/learn", "", []byte(`{"attributeNames":["`+name+`"],"attributeTypes":["C"],"data":[["1"]]}`))
		if r.Code == http.StatusOK {
			learns++
			if learns%4 == 0 {
				b.Check()
			}
			continue
		}
		r.Expect(t, http.StatusBadRequest, "bytes of names and 0 of models); the limit is 262144")
		break
	}
	if learns < 8 {
		t.Fatalf("only %d learns of 12 KiB names fitted a 256 KiB project", learns)
	}
	before := a.Export("p")
	if len(before) > 256<<10*4/3 {
		t.Fatalf("the project exports to %d bytes, past 4/3 of its limit", len(before))
	}
	// The refused learn changed nothing, and a new name keeps being refused.
	name := "zz" + strings.Repeat("n", 12<<10)
	a.Do(http.MethodPost, "/projects/p/learn", "", []byte(`{"attributeNames":["`+name+`"],"attributeTypes":["C"],"data":[["1"]]}`)).
		Expect(t, http.StatusBadRequest, "bytes of names and 0 of models); the limit is 262144")
	if !bytes.Equal(a.Export("p"), before) {
		t.Fatal("a refused learn changed the project")
	}
	if p := a.Project("p"); p.Rows() != int64(learns) || p.Bytes() > 256<<10 {
		t.Fatalf("the project holds %d rows (%d acknowledged) and %d bytes", p.Rows(), learns, p.Bytes())
	}
	if n := s.Metric("symscore_refusals_total", "limit=max_project_bytes"); n != 2 {
		t.Errorf("max_project_bytes refusals %v, want 2", n)
	}
	b.CheckNew()
	b.Verify()
}
