package upload

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/symscore/symscore/wal"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// options are a test manager's options in dir: generous limits, a long TTL.
func options(dir string, mode wal.Mode, now func() time.Time) Options {
	return Options{Dir: dir, Mode: mode, Interval: time.Millisecond, TTL: time.Hour,
		MaxUploadBytes: 1 << 30, MaxUploads: 4, MaxDiskBytes: 1 << 31, Now: now}
}

// openManager opens a manager, closed when the test ends (a second Close is harmless).
func openManager(t testing.TB, o Options) *Manager {
	t.Helper()
	m, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// abandon leaves m as a killed process would: no last sync, no close; the background loop
// stops so that it does not touch the files a new manager opens.
func abandon(m *Manager) {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	close(m.stop)
	<-m.stopped
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// refusal fails unless err is an *Error wrapping sentinel.
func refusal(t testing.TB, err, sentinel error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, sentinel) {
		t.Fatalf("got %v (%T), want a refusal wrapping %v", err, err, sentinel)
	}
	return e
}

// announce announces an upload of content for customer cid and returns it.
func announce(t testing.TB, m *Manager, cid string, size int64) *Upload {
	t.Helper()
	st, err := m.Announce(cid, "p", "f.csv", "csv", size)
	must(t, err)
	u, err := m.Get(cid, st.ID)
	must(t, err)
	return u
}

// fileOf reads the data file of upload id.
func fileOf(t testing.TB, m *Manager, id string) []byte {
	t.Helper()
	b, err := os.ReadFile(m.dataPath(id))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
