// Package uploadkit holds the test helpers of bulk uploads that use the Go client.
package uploadkit

import (
	"context"
	"testing"

	"github.com/symscore/symscore/client"
)

// StartPartial announces through c an upload of data, named name, for project pid, and
// sends its first n bytes to the node that holds it (the announce's Node, or c's own URL):
// an upload left for a client under test to resume. It returns the announce.
func StartPartial(ctx context.Context, t testing.TB, c *client.Client, pid, name string, data []byte, n int) *client.Announced {
	t.Helper()
	a, err := c.AnnounceUpload(ctx, pid, name, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	holder, err := c.At(a.Node)
	if err != nil {
		t.Fatal(err)
	}
	uc, err := holder.OpenUpload(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	if _, err := uc.Send(0, data[:n]).Wait(); err != nil {
		t.Fatal(err)
	}
	return a
}
