// Package client is the Go client of symscore: signed REST calls for the control plane,
// pipelined WebSocket sessions for learn, forget and predict (docs/protocol.md), and live
// subscriptions (docs/subscribe.md).
//
// # Use
//
//	c, err := client.New("http://127.0.0.1:8080", cid, secret)
//	err = c.CreateProject(ctx, "iris", client.ProjectCPU, nil)
//
//	df, _ := client.NewDataFrame([]string{"x", "y"}, []string{"C", "B"})
//	df.AddRow("1.5", "0")
//	s, err := c.OpenLearn(ctx, "iris")
//	p := s.Send(df.JSON())           // pipelined: returns at once
//	_, err = p.Wait()                // replies come in send order
//	s.Close()
//
//	err = c.Build(ctx, "iris", "lda", "m1", client.MLContext{Inputs: []string{"x"}, Targets: []string{"y"}})
//	preds, err := c.Predict(ctx, "iris", "m1", df.JSON(), false)
//
//	sub, err := c.Subscribe(ctx, "iris", []string{"x", "$project"}, nil)
//	for m := range sub.Messages() { // names, subscribed, data, ... until Close or the project's deletion
//		if m.Type == "data" {
//			fmt.Println(m.Name, m.Version, m.Values["mean"])
//		}
//	}
//	// A large CSV file, learned as one change (docs/uploads.md); resumable.
//	res, err := c.Upload(ctx, "history.csv", "iris", client.UploadOptions{Connections: 3})
//
// # Contract
//
// A Client holds the customer id, an auth.Signer (the only signing code) and an
// http.Client; it never contacts the server until a call. Every REST request is signed
// (Authorization, sym-date, Content-MD5) over the escaped path it sends; every sym-date
// of a Client is later than the one before, so two messages never share a signature and
// a learn is never refused as a replay of another. Methods take a context; REST calls
// without a deadline are bounded by the client's timeout (WithTimeout). Build starts a
// build job and polls it, with pauses doubling from WithJobPoll's minimum to its
// maximum, for as long as its context allows.
//
// Upload announces a file, sends its bytes as binary chunks over several UploadConns
// (/symetry/ws/upload), finalizes it and waits for the job; the pieces are there for a
// workflow of one's own (AnnounceUpload, OpenUpload, UploadStatus and its missing ranges,
// FinalizeUpload, WaitJobProgress). A failure before the finalize names the upload to
// resume (*UploadError).
//
// A Session is one WebSocket connection bound to its extra keys ([pid] or [pid, modelId]):
// the first message is framed and signed ("<N>,<header><payload>"), later ones are the bare
// payload unless WithSignEveryFrame. Send writes the message at once (one write per frame,
// masked, under the session's write lock) and returns a Pending; one reader goroutine per
// session matches replies to messages in order. A session without a reply for the
// client's timeout fails: every Pending is answered or failed, so Wait always returns.
//
// A Subscription is one WebSocket connection to /symetry/ws/subscribe for one project:
// its first message is framed and signed, later ones (Subscribe, Unsubscribe) bare. One
// reader goroutine decodes the server's messages into Message values, in order, on a
// buffered channel (SubscriptionBuffer); a reader that falls behind stops reading the
// connection, and the server disconnects it. Another goroutine pings every
// KeepaliveInterval so that a quiet project's connection is not closed as idle.
//
// # Errors
//
// A reply whose status is not OK, CREATED or ACCEPTED is a *StatusError carrying the
// status name, the HTTP code (REST) or the status's code (WebSocket), the statusString,
// and for a bad signature the server's string to sign with the secret masked. A
// WebSocket closed by the server is a *CloseError with its status (1008 after an
// authentication failure). Transport errors name the request or the URL. Errors never
// contain the secret.
//
// # Concurrency and lifetimes
//
// Client, Session and Pending are safe for concurrent use; a Reply is immutable once
// returned. DataFrame is a builder owned by one goroutine. ProjectInfo, ModelInfo, Job,
// Prediction, Stats and MLContext are plain data, owned by the caller: share them only
// while no one changes them. Payloads passed to Send and to
// REST calls are read before the call returns and may be reused afterwards. A Session
// owns one goroutine until Close, or until it fails.
package client
