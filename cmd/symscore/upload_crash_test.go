package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
)

// TestUploadSurvivesKill9: the real binary (durability always) receives an upload's chunks
// over three connections and is killed with SIGKILL after a random number of them were
// acknowledged; after a restart the upload holds every acknowledged chunk (its received
// ranges are intact), the client resumes it, sending only what is missing, and the
// finalized file is learned once, whole.
func TestUploadSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the server binary through a crash")
	}
	_, cfg := crashSetup(t)
	const rows = 20000
	var b strings.Builder
	b.WriteString("x,y,k\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,%g,%c\n", i, float64(i%97)/3, 'a'+i%5)
	}
	data := []byte(b.String())
	path := filepath.Join(t.TempDir(), "rows.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}

	p := startServe(t, "--config", cfg)
	addr := p.waitLog(t, "symscore started", 30*time.Second)["listen"].(string)
	c, err := client.New("http://"+addr, "c1", crashSecret, client.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := c.AnnounceUpload(ctx, "p", "rows.csv", int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	const chunk = 4096
	var mu sync.Mutex // guards acked
	var acked []client.ByteRange
	var n atomic.Int64
	killAfter := int64(10 + time.Now().UnixNano()%40)
	var wg sync.WaitGroup
	for k := range 3 {
		wg.Go(func() {
			uc, err := c.OpenUpload(ctx, a.ID)
			if err != nil {
				t.Error(err)
				return
			}
			defer uc.Close()
			// Each connection takes every third chunk, one of them from the end backwards:
			// chunks arrive out of order.
			var mine []int
			for i := k; i*chunk < len(data); i += 3 {
				mine = append(mine, i)
			}
			if k == 1 {
				slices.Reverse(mine)
			}
			for _, j := range mine {
				r := client.ByteRange{From: int64(j * chunk), To: int64(min((j+1)*chunk, len(data)))}
				if _, err := uc.Send(r.From, data[r.From:r.To]).Wait(); err != nil {
					return // killed
				}
				mu.Lock()
				acked = append(acked, r)
				mu.Unlock()
				if n.Add(1) == killAfter {
					p.cmd.Process.Signal(syscall.SIGKILL)
				}
			}
		})
	}
	wg.Wait()
	p.cmd.Process.Signal(syscall.SIGKILL) // if every chunk went before the count
	p.wait(t, 10*time.Second)

	p = startServe(t, "--config", cfg)
	addr = p.waitLog(t, "symscore started", 30*time.Second)["listen"].(string)
	defer func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.wait(t, 15*time.Second)
	}()
	c, _ = client.New("http://"+addr, "c1", crashSecret)
	st, err := c.UploadStatus(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	missing := st.Missing
	for _, r := range acked {
		for _, m := range missing {
			if r.From < m.To && m.From < r.To {
				t.Fatalf("acknowledged chunk %v is missing after the crash (missing %v)", r, missing)
			}
		}
	}
	t.Logf("killed after %d acknowledged chunks; %d of %d bytes received after the restart", len(acked), st.Received, len(data))
	res, err := c.Upload(ctx, path, "p", client.UploadOptions{Resume: a.ID, ChunkSize: 3000})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != int64(len(data))-st.Received || res.RowsApplied != rows {
		t.Fatalf("resume sent %d bytes (missing %d), applied %d rows", res.Sent, int64(len(data))-st.Received, res.RowsApplied)
	}
	info, err := c.ProjectInfo(ctx, "p")
	if err != nil || info.Rows != rows {
		t.Fatalf("project: %+v, %v", info, err)
	}
}
