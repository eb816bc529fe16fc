// Package model is symscore's statistics engine: projects that hold an exact summary of
// every row learned minus every row forgotten, the models built from that summary, and
// exploration (STATISTICS.md).
//
// # Projects and the registry
//
// A Registry holds every customer's projects; a customer (cid) sees only its own. A Project
// keeps, per attribute, the shift K, the double-double sums S1 and the packed co-moment sums
// S2 and the count n (one summary in a cpu project; one more per partition value in a
// partition project). Learn and Forget apply a dataframe.Frame atomically: every check runs
// first, then every row, so a refused frame changes nothing. Rows are accumulated in
// float64 blocks of at most 128 rows around the shift and folded into the double-double
// sums (summary_block.go states the error bound): a frame applied to the same state gives
// the same bits, forgetting a learned frame restores the state bit for bit whenever the
// sums are representable, and forgetting the same rows in other frames restores it within
// that bound. New attributes join with earlier rows counting as 0. Limits bound the
// attributes, partitions and memory of a project.
//
// Every change can be journaled: the *With methods take a Commit, called under the
// project's write lock once the change has passed its checks and before it is applied, so
// the durability layer (package store) logs changes in the order they are applied and
// never logs a refused one. The project keeps the commit's sequence number (Seq) with its
// state.
//
// # Snapshots, builds and models
//
// Snapshot copies a project's summaries under its read lock — never a half-applied frame —
// and extracts means and centred co-moments after releasing it. Build fits one of lda,
// mlda, mqda, bayes, mlr, ridge, lasso, elasticnet from a Snapshot alone; the *Model it
// returns is immutable: learning later changes it only through a rebuild. Predict scores
// one row without allocating. Explore computes uni, bi, anova, ttest, chi2 and pca from a
// Snapshot. Refusals of the request (bad MLContext, singular matrix, too few rows) are
// *Error values, answered BAD_REQUEST by the server.
//
// # Encodings
//
// Project.MarshalBinary / UnmarshalProject and Model.MarshalBinary / UnmarshalModel are
// bit-exact binary encodings (snapshots, export, the log's model records). The decoders
// check structure and refuse what no encoder writes; they are fuzzed.
//
// # Concurrency
//
// Registry, Project and Model are safe for concurrent use. Lock order: Registry.mu, then
// Project.mu, then Project.modelsMu; no method holds the locks of two projects (a merge
// copies the source first). A Snapshot and a Model are values, read without locks.
package model
