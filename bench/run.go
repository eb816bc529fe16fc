package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrRunFailed is wrapped by the error Run returns when a reply failed its check, a
// connection broke, or the context was cancelled. The Report is returned with it.
var ErrRunFailed = errors.New("bench: run failed")

// dialParallelism is how many connections are opened at once.
const dialParallelism = 32

// Run opens cfg.Connections connections, sends each its first message, and then loads the
// URL as cfg describes. It returns when the run is over: Duration after Warmup, Count
// measured round trips, MaxRunTime, or a broken connection, whichever comes first (a
// cancelled ctx counts as a broken connection). Latency is measured per message from just
// before its write to just after its whole reply has been read; warm-up round trips are
// not measured. A reply that fails its check is counted in Report.Errors and not measured;
// the run goes on. Failing to open the connections returns no Report; a run with any error
// returns its Report with an error wrapping ErrRunFailed.
func Run(ctx context.Context, cfg LoadConfig) (*Report, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	conns, err := openConns(ctx, cfg)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			// Cancelled while connecting: say so, whatever the dial reported.
			return nil, fmt.Errorf("%w: cancelled while connecting (%v): %w", ErrRunFailed, err, cerr)
		}
		return nil, err
	}
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()
	return newLoad(cfg, conns).run(ctx)
}

// openConns dials every connection and exchanges its first message.
func openConns(ctx context.Context, cfg LoadConfig) ([]*clientConn, error) {
	conns := make([]*clientConn, cfg.Connections)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex // guards firstErr
		firstErr error
		next     atomic.Int64
	)
	for range min(cfg.Connections, dialParallelism) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(conns) {
					return
				}
				c, err := openConn(ctx, cfg, i)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("bench: connection %d: %w", i, err)
				}
				conns[i] = c
				stop := firstErr != nil
				mu.Unlock()
				if stop {
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		for _, c := range conns {
			if c != nil {
				c.close()
			}
		}
		return nil, firstErr
	}
	return conns, nil
}

func openConn(ctx context.Context, cfg LoadConfig, i int) (*clientConn, error) {
	var src string
	if len(cfg.SourceAddrs) > 0 {
		src = cfg.SourceAddrs[i%len(cfg.SourceAddrs)]
	}
	c, err := dialClient(ctx, cfg.URL, src, cfg.MaxReplyBytes)
	if err != nil {
		return nil, err
	}
	first, check := cfg.FirstMessage, cfg.CheckFirst
	if cfg.NewFirstMessage != nil {
		if first, err = cfg.NewFirstMessage(i); err != nil {
			c.close()
			return nil, err
		}
		if check == nil {
			check = CheckEqual(first)
		}
	}
	c.startReading()
	if first == nil {
		return c, nil
	}
	c.conn.SetDeadline(time.Now().Add(dialTimeout))
	if err := c.write(c.compile(first)); err != nil {
		c.close()
		return nil, err
	}
	reply, err := c.readReply()
	if err == nil {
		err = check(reply)
	}
	if err != nil {
		c.close()
		return nil, fmt.Errorf("first message: %w", err)
	}
	c.conn.SetDeadline(time.Time{})
	return c, nil
}

// load is one run in progress.
type load struct {
	cfg   LoadConfig
	conns []*clientConn
	rec   *recorder

	start  time.Time
	warmup time.Duration // measured round trips start at or after this offset from start
	end    time.Duration // no request is written at or after this offset

	claimed atomic.Int64 // measured round trips started (bound by Count)
	hitCap  atomic.Bool  // the run reached MaxRunTime before Count

	aborted   atomic.Bool
	abortOnce sync.Once
	abortCh   chan struct{} // closed on abort
	mu        sync.Mutex    // guards errs, firstErr
	errs      int64
	firstErr  error
}

// connResult is what one connection measured.
type connResult struct {
	n    int64         // measured round trips
	last time.Duration // offset of the last measured reply
}

// stamp is the write time of a request in flight.
type stamp struct {
	at       time.Duration
	measured bool
}

func newLoad(cfg LoadConfig, conns []*clientConn) *load {
	l := &load{cfg: cfg, conns: conns, rec: newRecorder(len(conns)), abortCh: make(chan struct{})}
	l.warmup = cfg.Warmup
	l.end = MaxRunTime
	if cfg.Duration > 0 {
		l.end = cfg.Warmup + cfg.Duration
	}
	return l
}

func (l *load) run(ctx context.Context) (*Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.start = time.Now()
	stopWatch := context.AfterFunc(ctx, func() { l.fail(ctx.Err()) })
	defer stopWatch()

	deadline := l.start.Add(l.end + DrainTimeout)
	results := make([]connResult, len(l.conns))
	// One compiled message for every connection: its masking key is the first
	// connection's, which a server accepts as well as any other, and a large message is not
	// held once per connection.
	frame := l.conns[0].compile(l.cfg.Message)
	var wg sync.WaitGroup
	for i, c := range l.conns {
		c.conn.SetReadDeadline(deadline)
		sh := l.rec.shard(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.cfg.Pipeline == 1 {
				results[i] = l.pingPong(c, frame, sh)
			} else {
				results[i] = l.pipelined(c, frame, sh)
			}
		}()
	}
	wg.Wait()
	return l.report(results)
}

// next decides, at offset now, whether to write another request and whether it is measured.
func (l *load) next(now time.Duration) (measured, ok bool) {
	switch {
	case l.aborted.Load():
		return false, false
	case now >= l.end:
		if l.cfg.Duration == 0 {
			l.hitCap.Store(true)
		}
		return false, false
	case now < l.warmup:
		return false, true
	case l.cfg.Count > 0 && l.claimed.Add(1) > int64(l.cfg.Count):
		return false, false
	}
	return true, true
}

// pingPong drives a connection with one request in flight: write, read the reply, repeat.
func (l *load) pingPong(c *clientConn, frame []byte, sh *shard) connResult {
	var res connResult
	for {
		t0 := time.Since(l.start)
		measured, ok := l.next(t0)
		if !ok {
			return res
		}
		if err := c.write(frame); err != nil {
			l.fail(err)
			return res
		}
		reply, err := c.readReply()
		t1 := time.Since(l.start)
		if err != nil {
			l.fail(err)
			return res
		}
		if err := l.cfg.Check(reply); err != nil {
			l.refused(err)
		} else if measured {
			sh.record(t1 - t0)
			res.n++
			res.last = t1
		}
	}
}

// pipelined drives a connection with up to Pipeline requests in flight: this goroutine
// writes, another reads and checks the replies, which come back in request order.
func (l *load) pipelined(c *clientConn, frame []byte, sh *shard) connResult {
	free := make(chan struct{}, l.cfg.Pipeline)
	for range l.cfg.Pipeline {
		free <- struct{}{}
	}
	inflight := make(chan stamp, l.cfg.Pipeline)
	done := make(chan connResult)
	go func() {
		var res connResult
		defer func() { done <- res }()
		for s := range inflight {
			reply, err := c.readReply()
			t1 := time.Since(l.start)
			if err != nil {
				l.fail(err)
				return
			}
			if err := l.cfg.Check(reply); err != nil {
				l.refused(err)
			} else if s.measured {
				sh.record(t1 - s.at)
				res.n++
				res.last = t1
			}
			free <- struct{}{}
		}
	}()
	for {
		select {
		case <-free:
		case <-l.abortCh:
		}
		t0 := time.Since(l.start)
		measured, ok := l.next(t0)
		if !ok {
			break
		}
		inflight <- stamp{at: t0, measured: measured}
		if err := c.write(frame); err != nil {
			l.fail(err)
			break
		}
	}
	close(inflight)
	return <-done
}

// refused records a reply that failed its check. The run goes on; its latency is not
// recorded, and the run is reported as failed.
func (l *load) refused(err error) {
	l.mu.Lock()
	l.errs++
	if l.firstErr == nil {
		l.firstErr = err
	}
	l.mu.Unlock()
}

// fail records an error and stops the run: sending stops and every connection is closed,
// which ends the reads in progress. Errors caused by the stop itself are not counted.
func (l *load) fail(err error) {
	l.mu.Lock()
	if l.aborted.Load() {
		l.mu.Unlock()
		return
	}
	l.errs++
	if l.firstErr == nil {
		l.firstErr = err
	}
	l.aborted.Store(true)
	l.mu.Unlock()
	l.abortOnce.Do(func() {
		close(l.abortCh)
		for _, c := range l.conns {
			c.conn.Close()
		}
	})
}
