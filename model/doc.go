// Package model is symscore's statistics engine: projects that hold an exact summary of
// every row learned minus every row forgotten, the models built from that summary, and
// exploration (docs/statistics.md).
//
// # Projects and the registry
//
// A Registry holds every customer's projects; a customer (cid) sees only its own. A Project
// keeps, per attribute, the shift K, the double-double sums S1 and the packed co-moment sums
// S2 and the count n (one summary in a cpu project; one more per partition value in a
// partition project). Learn and Forget apply a dataframe.Frame atomically: every check runs
// first, then every row, so a refused frame changes nothing; forget subtracts exactly the
// terms learn added. New attributes join with earlier rows counting as 0.
//
// # Limits and identifiers
//
// Limits bound the attributes, partitions, models and bytes of a project, the projects and
// bytes of a customer, the length of every id and name, and the work of one exploration
// request. A project's bytes (Project.Bytes, project_size.go) count its statistics, its
// attribute names, partition values and models, so that nothing a client sends escapes
// them and a project's encoding is never larger. A customer's projects share an account
// (Limits.MaxCustomerBytes): a change reserves its growth on it before it is journaled and
// gives it back if the journal refuses; forgets that empty partitions, model deletes and
// project deletes give bytes back. Each refusal is an *Error wrapping the limit's sentinel.
//
// Project and model ids follow package ident's rule for ids (CheckProjectID,
// CheckModelID), checked on create, import, build and publish; an import's names follow
// the rule for names. Limits.LegacyNames lets recovery replay what older rules accepted.
// A request naming a missing project or model gets a *NotFoundError naming it.
//
// Every change can be journaled: the *With methods take a Commit, called under the
// project's write lock once the change has passed its checks and before it is applied, so
// the durability layer (package store) logs changes in the order they are applied and
// never logs a refused one. The project keeps the commit's sequence number (Seq) with its
// state.
//
// Every applied change is counted in the project's Version (live.go), kept in its
// encoding, and told to the project's Observer, if any, under the write lock, in
// application order: that is how live subscriptions hear of changes without the learner
// waiting for them. Read computes the uni and bi values of a few attributes and pairs at
// one version, by the formulas explore uses, without copying the summaries.
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
