package cluster_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/symscore/symscore/client"
	"github.com/symscore/symscore/internal/testenv"
	"github.com/symscore/symscore/internal/testkit"
	"github.com/symscore/symscore/internal/testkit/natstest"
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
