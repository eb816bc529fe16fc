package client_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/config"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/store"
)

// Test customers: c1 has the secret of the protocol's vectors; secret2 is valid, but
// nobody's.
const (
	cid1    = testenv.CID1
	secret1 = testenv.Secret1
	secret2 = testenv.NobodysSecret
)

// testServer is a symscore server started in process for one test.
type testServer struct {
	srv  *testserver.Server
	dir  string
	base string // http://127.0.0.1:port
}

// serverConfig is a configuration on loopback ports chosen by the system, in dir, with
// customer c1.
func serverConfig(t testing.TB, dir string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Listen, cfg.AdminListen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.DataDir = dir
	cfg.Customers = []config.Customer{{ID: cid1, Secrets: []string{secret1}}}
	return cfg
}

// startServer starts a server on a new data directory; seed, when not nil, prepares the
// state in it first (projects, rows, models), through the store. edit may change the
// configuration. The server is shut down when the test ends.
func startServer(t testing.TB, seed func(*store.Store), edit func(*config.Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	if seed != nil {
		st, err := store.Open(store.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		seed(st)
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	cfg := serverConfig(t, dir)
	if edit != nil {
		edit(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	srv := testserver.StartManual(t, cfg)
	ts := &testServer{srv: srv, dir: dir, base: "http://" + srv.Addr()}
	t.Cleanup(func() { ts.stop(t) })
	return ts
}

func (ts *testServer) stop(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// newClient is a client of ts for c1 (or the given secret).
func newClient(t testing.TB, ts *testServer, secret string, opts ...client.Option) *client.Client {
	t.Helper()
	c, err := client.New(ts.base, cid1, secret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// iris is clients/testdata/iris.csv: its header and rows.
func iris(t testing.TB) (header []string, rows [][]string) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(file), "..", "clients", "testdata", "iris.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil || len(all) != 151 {
		t.Fatalf("iris.csv: %d lines, %v", len(all), err)
	}
	return all[0], all[1:]
}

var irisTypes = []string{"C", "C", "C", "C", "T", "B", "B", "B"}

// frame is the DataFrame of rows.
func frame(t testing.TB, names, types []string, rows [][]string) *client.DataFrame {
	t.Helper()
	df, err := client.NewDataFrame(names, types)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := df.AddRow(r...); err != nil {
			t.Fatal(err)
		}
	}
	return df
}

// seedIris creates project pid of c1 with the iris rows and, for each algo → target
// pair, a model named after the algorithm on the four measurements.
func seedIris(t testing.TB, pid string, models map[string]string) func(*store.Store) {
	return func(st *store.Store) {
		t.Helper()
		header, rows := iris(t)
		if err := st.Create(cid1, pid, "cpu", nil); err != nil {
			t.Fatal(err)
		}
		var p dataframe.Parser
		f, err := p.Parse(frame(t, header, irisTypes, rows).JSON(), dataframe.Options{Mode: dataframe.ModeLearn})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Learn(cid1, pid, f); err != nil {
			t.Fatal(err)
		}
		proj, err := st.Project(cid1, pid)
		if err != nil {
			t.Fatal(err)
		}
		for algo, target := range models {
			m, err := model.Build(proj.Snapshot(), algo, algo, model.MLContext{InputNames: header[:4], TargetNames: []string{target}})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.PutModel(cid1, pid, m); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// seedProject creates empty projects of c1.
func seedProject(t testing.TB, pids ...string) func(*store.Store) {
	return func(st *store.Store) {
		t.Helper()
		for _, pid := range pids {
			if err := st.Create(cid1, pid, "cpu", nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// projectRows reads the rows of a project from the stopped server's data directory.
func (ts *testServer) projectRows(t testing.TB, pid string) int64 {
	t.Helper()
	ts.stop(t)
	st, err := store.Open(store.Options{Dir: ts.dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.Project(cid1, pid)
	if err != nil {
		t.Fatal(err)
	}
	return p.Rows()
}

// statusError returns err as a *StatusError, failing the test if it is not one.
func statusError(t testing.TB, err error) *client.StatusError {
	t.Helper()
	var se *client.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want a *client.StatusError", err, err)
	}
	return se
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// expectStatus checks a *StatusError's status, code and message.
func expectStatus(t testing.TB, err error, status string, code int, msgPart string) *client.StatusError {
	t.Helper()
	se := statusError(t, err)
	if se.Status != status || se.HTTPCode != code || !strings.Contains(se.Message, msgPart) {
		t.Fatalf("got %s %d %q, want %s %d with %q", se.Status, se.HTTPCode, se.Message, status, code, msgPart)
	}
	return se
}
