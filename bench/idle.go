package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// IdleConfig describes an idle-connections measurement.
type IdleConfig struct {
	// URL of the WebSocket endpoint, e.g. ws://127.0.0.1:8080/symetry/ws/echo.
	URL string
	// Connections to open and hold.
	Connections int
	// SourceAddrs are local IPs connections are opened from, in turn (e.g. 127.0.0.1,
	// 127.0.0.2, ...): one source address has about 28 000 ephemeral ports
	// (net.ipv4.ip_local_port_range), so more connections need more addresses. Empty: the
	// system picks.
	SourceAddrs []string
	// Message, when set, is sent once on every connection and its reply read before the
	// memory is measured, so that each connection has been through the server's read and
	// write path once, as a real idle client has. Nil: connections are only upgraded.
	Message []byte
	// Check verifies that reply (default: any reply is accepted).
	Check func(reply []byte) error
	// ServerMemory reads the server's memory in bytes; it is called before the connections
	// are opened and once they all are. See InProcessMemory and ProcessRSS.
	ServerMemory func() (uint64, error)
}

// IdleReport is the outcome of MeasureIdle.
type IdleReport struct {
	URL          string        `json:"url"`
	Connections  int           `json:"connections"`
	Before       uint64        `json:"server_bytes_before"`
	After        uint64        `json:"server_bytes_after"`
	BytesPerConn float64       `json:"bytes_per_conn"` // (After - Before) / Connections
	OpenTime     time.Duration `json:"open_ns"`        // to open (and exercise) every connection
}

// MeasureIdle opens cfg.Connections WebSocket connections, leaves them idle and reports how
// much server memory each one costs. The client side holds each connection with no
// goroutine and no buffer. Every connection is closed before it returns.
func MeasureIdle(ctx context.Context, cfg IdleConfig) (*IdleReport, error) {
	if cfg.Connections < 1 || cfg.Connections > MaxConnections {
		return nil, fmt.Errorf("bench: connections must be 1..%d, got %d", MaxConnections, cfg.Connections)
	}
	if cfg.ServerMemory == nil {
		return nil, errors.New("bench: IdleConfig.ServerMemory is required")
	}
	before, err := cfg.ServerMemory()
	if err != nil {
		return nil, fmt.Errorf("bench: server memory: %w", err)
	}
	start := time.Now()
	conns, err := openIdle(ctx, cfg)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.close()
			}
		}
	}()
	if err != nil {
		return nil, err
	}
	opened := time.Since(start)
	after, err := cfg.ServerMemory()
	if err != nil {
		return nil, fmt.Errorf("bench: server memory: %w", err)
	}
	r := &IdleReport{URL: cfg.URL, Connections: cfg.Connections, Before: before, After: after, OpenTime: opened}
	r.BytesPerConn = (float64(after) - float64(before)) / float64(cfg.Connections)
	return r, nil
}

func openIdle(ctx context.Context, cfg IdleConfig) ([]*clientConn, error) {
	conns := make([]*clientConn, cfg.Connections)
	var (
		wg       sync.WaitGroup
		next     atomic.Int64
		failed   atomic.Bool
		mu       sync.Mutex // guards firstErr
		firstErr error
	)
	for range min(cfg.Connections, dialParallelism) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(conns) {
					return
				}
				c, err := openIdleConn(ctx, cfg, i)
				conns[i] = c
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("bench: idle connection %d: %w", i, err)
					}
					mu.Unlock()
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return conns, firstErr
}

func openIdleConn(ctx context.Context, cfg IdleConfig, i int) (*clientConn, error) {
	var src string
	if len(cfg.SourceAddrs) > 0 {
		src = cfg.SourceAddrs[i%len(cfg.SourceAddrs)]
	}
	c, err := dialClient(ctx, cfg.URL, src, DefaultMaxReplyBytes)
	if err != nil {
		return nil, err
	}
	if cfg.Message == nil {
		return c, nil
	}
	c.startReading()
	c.conn.SetDeadline(time.Now().Add(dialTimeout))
	if err := c.write(c.compile(cfg.Message)); err != nil {
		return c, err
	}
	reply, err := c.readReply()
	if err == nil && cfg.Check != nil {
		err = cfg.Check(reply)
	}
	if err != nil {
		return c, err
	}
	c.conn.SetDeadline(time.Time{})
	c.stopReading()
	c.reply = nil
	return c, nil
}

// InProcessMemory is a ServerMemory for a server in this process: heap and stack in use
// after a garbage collection (runtime.MemStats HeapInuse + StackInuse). It counts the client
// side too when the client runs in the same process.
func InProcessMemory() (uint64, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse, nil
}

// ProcessRSS returns a ServerMemory for the process pid: its resident set (VmRSS in
// /proc/pid/status). Linux only.
func ProcessRSS(pid int) func() (uint64, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	return func() (uint64, error) {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		return parseVmRSS(f)
	}
}

// parseVmRSS finds "VmRSS:   1234 kB" in a /proc status file.
func parseVmRSS(r io.Reader) (uint64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("bench: unexpected VmRSS line %q", sc.Text())
		}
		kb, err := strconv.ParseUint(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bench: unexpected VmRSS line %q", sc.Text())
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("bench: no VmRSS line")
}

// WriteJSON writes the report as one JSON object.
func (r *IdleReport) WriteJSON(w io.Writer) error { return writeJSON(w, r) }

// WriteText writes the report for a human.
func (r *IdleReport) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%d idle connections to %s: server memory %s -> %s, %.0f bytes per connection (opened in %v)\n",
		r.Connections, r.URL, formatBytes(r.Before), formatBytes(r.After), r.BytesPerConn, r.OpenTime.Round(time.Millisecond))
	return err
}

func formatBytes(b uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}
