package cluster_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
	"github.com/symscore/symscore/internal/testkit/testserver"
	"github.com/symscore/symscore/internal/testkit/uploadkit"
)

// TestUploadOnOneNodeLearnedByAll: a CSV file uploaded to node A and finalized there is
// one change on the stream: node B holds the same bits, equal to the file learned as a
// DataFrame. The upload names the node that holds it; B does not serve it and says where
// uploads live.
func TestUploadOnOneNodeLearnedByAll(t *testing.T) {
	bus := natstest.Start(t)
	nodes := startNodes(t, bus, 2)
	cs := clients(nodes)
	cs[0].Create("up")
	cs[0].Create("df")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	gc, err := client.New("http://"+nodes[0].Addr(), testenv.CID1, testenv.Secret1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gc.Upload(ctx, "../clients/testdata/iris.csv", "up", client.UploadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := gc.UploadStatus(ctx, res.UploadID)
	if err != nil {
		t.Fatal(err)
	}
	if st.NodeID != "a" || st.State != "done" || st.RowsApplied != 150 {
		t.Fatalf("upload status on A: node %q, state %q, %d rows", st.NodeID, st.State, st.RowsApplied)
	}
	r := cs[1].Do(http.MethodGet, "/uploads/"+res.UploadID, "", nil).Expect(t, http.StatusBadRequest, "cannot find upload")
	if !strings.Contains(string(r.Raw), "node that took its announce") {
		t.Errorf("B's refusal does not say where uploads live: %s", r.Raw)
	}

	onEveryNode(t, cs, "df") // created through A, learned through B
	cs[1].Learn("df", testkit.FrameJSON(testkit.IrisNames, testkit.IrisTypes, testkit.IrisRows(t), -1))
	sameEverywhere(t, cs, "up")
	sameEverywhere(t, cs, "df")
	pu, pd := cs[1].Project("up"), cs[1].Project("df")
	if pu.Rows() != 150 || pd.Rows() != 150 {
		t.Fatalf("B holds %v rows uploaded, %v learned", pu.Rows(), pd.Rows())
	}
}

// TestUploadThroughLoadBalancer: two nodes behind a balancer that sends each new
// connection to the next node, sharing the balancer's public_url, each with its own
// cluster.advertise_url. Through the balancer, the upload's own requests reach the node
// that holds it one time in two; the Go client, given the balancer's URL, follows the
// announce to that node — status, chunks over several WebSocket connections signed for the
// node's URL, finalize — and both nodes learn the file. A resume through the balancer with
// the node the failed upload named goes there too.
func TestUploadThroughLoadBalancer(t *testing.T) {
	bus := natstest.Start(t)
	lb, nodes := testserver.StartBehindBalancer(t, nodeConfig(bus, "a"), nodeConfig(bus, "b"))
	cs := clients(nodes)
	cs[0].Create("up")
	onEveryNode(t, cs, "up")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	gc, err := client.New("http://"+lb.Addr(), testenv.CID1, testenv.Secret1, client.WithHTTPClient(&http.Client{
		Transport: &http.Transport{DisableKeepAlives: true}, // a connection per request: the balancer alternates
	}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := gc.AnnounceUpload(ctx, "up", "iris.csv", 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := "ws://" + nodes[map[string]int{"a": 0, "b": 1}[a.NodeID]].Addr(); a.Node != want {
		t.Fatalf("the announce names node %q at %q, want %q", a.NodeID, a.Node, want)
	}
	refused := 0
	for range 2 {
		if _, err := gc.UploadStatus(ctx, a.ID); err != nil && strings.Contains(err.Error(), "cannot find upload") {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("%d of 2 status requests through the balancer refused, want 1", refused)
	}
	holder, err := gc.At(a.Node)
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.DeleteUpload(ctx, a.ID); err != nil {
		t.Fatal(err)
	}

	const iris = "../clients/testdata/iris.csv"
	res, err := gc.Upload(ctx, iris, "up", client.UploadOptions{Connections: 3, ChunkSize: 1000})
	if err != nil {
		t.Fatal(err)
	}

	// A resume: the first 2 000 bytes sent to the holder, the rest by Upload through
	// the balancer with the node named.
	cs[0].Create("resumed")
	onEveryNode(t, cs, "resumed")
	data, err := os.ReadFile(iris)
	if err != nil {
		t.Fatal(err)
	}
	a = uploadkit.StartPartial(ctx, t, gc, "resumed", "iris.csv", data, 2000)
	resumed, err := gc.Upload(ctx, iris, "resumed", client.UploadOptions{Resume: a.ID, Node: a.Node, ChunkSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Sent != int64(len(data))-2000 {
		t.Errorf("the resume sent %d bytes, want the %d missing", resumed.Sent, len(data)-2000)
	}
	for _, pid := range []string{"up", "resumed"} {
		sameEverywhere(t, cs, pid)
		if rows := cs[1].Project(pid).Rows(); rows != 150 {
			t.Fatalf("B holds %v rows of %s", rows, pid)
		}
	}
	if res.RowsApplied != 150 || resumed.RowsApplied != 150 {
		t.Fatalf("the uploads applied %d and %d rows", res.RowsApplied, resumed.RowsApplied)
	}
}
