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
// first, then every row, so a refused frame changes nothing. Rows are accumulated in
// float64 blocks of at most 128 rows around the shift and folded into the double-double
// sums (summary_block.go states the error bound): a change applied to the same state gives
// the same bits, forgetting learned rows as they were learned (the same rows in the same
// messages) restores the state bit for bit whenever the sums are representable, and
// forgetting the same rows in other messages restores it within that bound. New attributes
// join with earlier rows counting as 0.
//
// # Limits and identifiers
//
// Limits bound the attributes, partitions, models and bytes of a project, the projects and
// bytes of a customer, the length of every id and name, and the work of one exploration
// request. A project's bytes (Project.Bytes, project_size.go) count its statistics, its
// attribute names, partition values and models, so that nothing a client sends escapes
// them and a project's encoding is never larger. A customer's projects share an account
// (Limits.MaxCustomerBytes). The budget depends on other projects than the one changed, so
// it is an admission check, never an application one: a Check method given a Reservation
// (or Registry.ReserveProject, ReserveImport) reserves on the account what the change may
// add before its record is logged, refusing it past the budget; the Apply method charges
// what the change did, unchecked; Reservation.Release, once the change is applied,
// refused or never logged, gives back the rest (project_budget.go says why concurrent
// changes never take the customer past the budget). Forgets that empty partitions, model
// deletes and project deletes give bytes back. Each refusal is an *Error wrapping the
// limit's sentinel.
//
// Project and model ids follow package ident's rule for ids (CheckProjectID,
// CheckModelID), checked when a create, an import or a model is admitted (Registry.NewProject,
// DecodeImport, CheckModel) and by Build; an import's names follow the rule for names. The
// Apply methods judge no name: what a log holds was accepted under the rules of its time
// (Limits.LegacyNames lets the checks accept them too). A request naming a missing project
// or model gets a *NotFoundError naming it.
//
// Every change has an Apply method (ApplyRows, ApplyDelta, ApplyFreeze, ApplyMerge,
// ApplyModel, ApplyUnmodel, Registry.ApplyCreate, ApplyImport, ApplyDelete) that the
// durability layer (package store) calls once the change's record is durable, in log
// order, with the record's Stamp (sequence number and time) and limits: application
// depends on nothing else, so the same log gives the same state. A Check method (CheckRows,
// CheckDelta, CheckMerge, CheckModel, CheckUnmodel, Registry.NewProject, CheckNewProject,
// DecodeImport) runs the same refusals against the state as it is, changing nothing but
// the customer's reservations, before a record is logged, and the admission checks
// application cannot make (names, the customer's projects and bytes). The project keeps
// the sequence number of the last change applied (Seq) with its state.
//
// A learn or forget reaches a project as Rows — its rows as received: C and B values, and
// for a T attribute each row's values by index, never the expansion — accumulated into the
// project's summaries, or as a Delta — the summary of rows (counts, shifted double-double
// sums and co-moments, per partition, extremes) built through the same accumulation —
// merged at once.
// Deltas of parts of the rows, summarised in parallel and merged, equal the delta of all of
// them to the rounding of the merges.
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
// Project.mu, then Project.modelsMu or Project.resMu (the reservations; the customer's
// account is a lock-free counter); no method holds the locks of two projects (a merge
// copies the source first). A Snapshot and a Model are values, read without locks.
package model
