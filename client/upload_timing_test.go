package client_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/config"
)

// uploadBenchBytes is the file BenchmarkUpload and BenchmarkFileCopyFsync send or copy.
const uploadBenchBytes = 64 << 20

// benchSource writes a file of uploadBenchBytes random bytes (nothing on the way
// compresses or dedups) in dir.
func benchSource(b *testing.B, dir string) string {
	b.Helper()
	path := filepath.Join(dir, "source.bin")
	buf := make([]byte, uploadBenchBytes)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < len(buf); i += 8 {
		v := r.Uint64()
		for k := range 8 {
			buf[i+k] = byte(v >> (8 * k))
		}
	}
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkUpload: the bytes of a 64 MiB file sent over loopback to a server
// (durability always, its data directory on the same disk as the temporary directory)
// and acknowledged durable, by chunk size and connections; one op is the whole file
// (announce, chunks, and the status that says it is complete), MB/s from SetBytes. The
// upload is deleted after each op. BenchmarkFileCopyFsync is the floor on the same disk.
func BenchmarkUpload(b *testing.B) {
	src := benchSource(b, b.TempDir())
	ts := startServer(b, seedProject(b, "p"), func(cfg *config.Config) {
		cfg.Limits.MaxUploadBytes = 1 << 30
	})
	c := newClient(b, ts, secret1, client.WithTimeout(time.Minute))
	ctx := context.Background()
	for _, chunk := range []int{128 << 10, 1 << 20} {
		for _, conns := range []int{1, 3} {
			b.Run(fmt.Sprintf("chunk=%dKiB/conns=%d", chunk>>10, conns), func(b *testing.B) {
				b.SetBytes(uploadBenchBytes)
				b.ReportAllocs()
				for b.Loop() {
					a, err := c.AnnounceUpload(ctx, "p", "source.bin", uploadBenchBytes)
					if err != nil {
						b.Fatal(err)
					}
					f, err := os.Open(src)
					if err != nil {
						b.Fatal(err)
					}
					sendAll(b, c, a.ID, f, chunk, conns)
					f.Close()
					b.StopTimer()
					if err := c.DeleteUpload(ctx, a.ID); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			})
		}
	}
}

// sendAll sends f's bytes to upload id as chunks of chunk bytes over conns connections,
// each at most 4 chunks in flight, and checks the upload is complete.
func sendAll(b *testing.B, c *client.Client, id string, f io.ReaderAt, chunk, conns int) {
	ctx := context.Background()
	errs := make(chan error, conns)
	for k := range conns {
		go func() {
			uc, err := c.OpenUpload(ctx, id)
			if err != nil {
				errs <- err
				return
			}
			defer uc.Close()
			buf := make([]byte, chunk)
			var queue []*client.Pending
			for i := k; i*chunk < uploadBenchBytes; i += conns {
				for len(queue) >= 4 {
					if _, err := queue[0].Wait(); err != nil {
						errs <- err
						return
					}
					queue = queue[1:]
				}
				n, err := f.ReadAt(buf, int64(i*chunk))
				if err != nil && err != io.EOF {
					errs <- err
					return
				}
				queue = append(queue, uc.Send(int64(i*chunk), buf[:n]))
			}
			for _, p := range queue {
				if _, err := p.Wait(); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range conns {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	st, err := c.UploadStatus(ctx, id)
	if err != nil || !st.Complete {
		b.Fatalf("upload %+v, %v", st, err)
	}
}

// BenchmarkFileCopyFsync: the floor of BenchmarkUpload on the same disk: the same 64 MiB
// file copied with io.Copy into a new file, fsynced once at the end ("end") or after every
// chunk as upload's durability does ("every=128KiB", "every=1MiB").
func BenchmarkFileCopyFsync(b *testing.B) {
	dir := b.TempDir()
	src := benchSource(b, dir)
	for _, every := range []int{0, 128 << 10, 1 << 20} {
		name := "end"
		if every > 0 {
			name = fmt.Sprintf("every=%dKiB", every>>10)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(uploadBenchBytes)
			for b.Loop() {
				in, err := os.Open(src)
				if err != nil {
					b.Fatal(err)
				}
				dst := filepath.Join(dir, "copy.bin")
				out, err := os.Create(dst)
				if err != nil {
					b.Fatal(err)
				}
				if every == 0 {
					if _, err := io.Copy(out, in); err != nil {
						b.Fatal(err)
					}
				} else {
					buf := make([]byte, every)
					for {
						n, err := io.ReadFull(in, buf)
						if n > 0 {
							if _, err := out.Write(buf[:n]); err != nil {
								b.Fatal(err)
							}
							if err := out.Sync(); err != nil {
								b.Fatal(err)
							}
						}
						if err != nil {
							break
						}
					}
				}
				if err := out.Sync(); err != nil {
					b.Fatal(err)
				}
				out.Close()
				in.Close()
				b.StopTimer()
				os.Remove(dst)
				b.StartTimer()
			}
		})
	}
}
