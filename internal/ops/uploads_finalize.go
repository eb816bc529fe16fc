package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/symscore/symscore/csvdata"
	"github.com/symscore/symscore/dataframe"
	"github.com/symscore/symscore/internal/upload"
	"github.com/symscore/symscore/model"
	"github.com/symscore/symscore/protocol"
	"github.com/symscore/symscore/store"
)

// FinalizeArgs is a finalize: learn (Forget false) or forget the file's rows, typed by
// Types (one DataFrame type code per column, comma-separated; "" infers them), bad rows
// refused (ErrorHandling 0) or skipped and counted (1).
type FinalizeArgs struct {
	Forget        bool
	Types         string
	ErrorHandling int
}

// Finalize starts the job that learns (or forgets) the whole file of the customer's
// upload id as one change, and returns the job's id. Refused at once: an unknown upload,
// one being finalized or finalized (CONFLICT), an incomplete one (CONFLICT with the
// missing ranges), bad types or errorHandling (BAD_REQUEST), a project deleted since the
// announce, the customer's running jobs (503). The job reads the file in parallel parts
// (one per core), summarises each, merges them and logs the change as one upload record
// (store.LearnUpload); its outcome and progress are the job's state (Job). A file with a
// bad cell under errorHandling 0 fails the job with the cell's line and column and
// changes nothing; the upload can then be finalized again.
func (s *Service) Finalize(c Customer, id string, a FinalizeArgs) (string, error) {
	u, err := s.upload(c, id)
	if err != nil {
		return "", err
	}
	types, err := parseTypeCodes(a.Types)
	if err != nil {
		return "", s.Refuse(err)
	}
	if a.ErrorHandling != 0 && a.ErrorHandling != 1 {
		return "", s.Refuse(protocol.Errorf(protocol.StatusBadRequest, `"errorHandling" must be 0 or 1, not %d`, a.ErrorHandling))
	}
	p, err := s.findProject(c, u.Description().PID)
	if err != nil {
		return "", err
	}
	j, err := s.jobs.reserve(c.id, "upload "+id)
	if errors.Is(err, errBuildRunning) {
		return "", s.Refuse(protocol.Errorf(protocol.StatusConflict, "upload %s is being finalized", QuoteInput(id)))
	}
	if err != nil {
		return "", s.Refuse(err)
	}
	file, err := u.BeginFinalize(upload.FinalizeRequest{Job: j.id, Forget: a.Forget, Types: a.Types, ErrorHandling: a.ErrorHandling})
	if err != nil {
		s.jobs.abandon(j)
		return "", s.Refuse(err)
	}
	fj := &finalizeJob{svc: s, c: c, u: u, p: p, file: file, types: types, args: a, inferring: types == nil, start: time.Now()}
	s.jobs.launch(j, fj.progress, fj.run)
	return j.id, nil
}

// parseTypeCodes reads a finalize's types: one DataFrame type code per column,
// comma-separated (C, B, T, X, S); "" is nil (inferred). The count is checked against the
// file's header by the job.
func parseTypeCodes(spec string) ([]dataframe.Type, error) {
	if spec == "" {
		return nil, nil
	}
	codes := strings.Split(spec, ",")
	types := make([]dataframe.Type, len(codes))
	for i, code := range codes {
		code = strings.TrimSpace(code)
		switch code {
		case "C", "B", "T", "X", "S":
			types[i] = dataframe.Type(code[0])
		default:
			return nil, protocol.Errorf(protocol.StatusBadRequest, `"types": column %d is typed %s; the codes are C, B, T, X and S`, i+1, QuoteInput(code))
		}
	}
	return types, nil
}

// finalizeJob is one finalize, run by the job table in its own goroutine.
type finalizeJob struct {
	svc       *Service
	c         Customer
	u         *upload.Upload
	p         *model.Project
	file      io.ReaderAt
	types     []dataframe.Type
	args      FinalizeArgs
	inferring bool // the types are inferred: a first pass reads the file
	prog      upload.Progress
	start     time.Time
}

// progress says how far the job got (JobProgress).
func (j *finalizeJob) progress() JobProgress {
	size := j.u.Description().Size
	inferred, learned := j.prog.Inferred.Load(), j.prog.Bytes.Load()
	work, done := float64(size), float64(learned)
	if j.inferring {
		work, done = 2*float64(size), float64(inferred+learned)
	}
	jp := JobProgress{Bytes: learned, Rows: j.prog.Rows.Load(), Fraction: min(done/max(work, 1), 1), Phase: "learning"}
	switch {
	case j.inferring && learned == 0 && inferred < size:
		jp.Phase = "inferring"
	case j.prog.Bytes.Load() >= size && j.applyingNow():
		jp.Phase = "applying"
	}
	return jp
}

func (j *finalizeJob) applyingNow() bool { return j.u.Status().State == upload.Applying }

// run is the job: read the file into its summary, log the change, record the outcome in
// the upload. A panic fails the job (internal error) and the upload, which may be
// finalized again.
func (j *finalizeJob) run() (out jobOutcome) {
	s := j.svc
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("finalize panicked", "upload", j.u.ID(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			j.u.Fail(protocol.StatusInternalServerError, "internal error", true)
			out = jobOutcome{st: protocol.StatusInternalServerError, msg: "internal error"}
		}
	}()
	desc := j.u.Description()
	sum, err := j.summarise(desc)
	if err != nil {
		r := j.refusal(err)
		if ferr := j.u.Fail(r.Status, r.Msg, true); ferr != nil {
			s.log.Error("finalize: cannot record a failure", "upload", desc.ID, "err", ferr)
		}
		return jobOutcome{st: r.Status, msg: r.Msg}
	}
	if err := j.u.Applying(sum.Rows, sum.Skipped); err != nil {
		r := s.Refuse(err)
		return jobOutcome{st: r.Status, msg: r.Msg}
	}
	rows := &JobRows{Applied: sum.Rows, Skipped: sum.Skipped}
	err = s.applyUpload(j.c, desc.PID, desc.ID, sum.Delta, j.args.Forget)
	if err == nil {
		err = s.syncStore() // the file goes once its change is durable
	}
	if errors.Is(err, store.ErrUnavailable) {
		// The change may or may not be in the log: the upload stays applying (held by
		// the store) until a restart says which.
		r := s.Refuse(err)
		return jobOutcome{st: r.Status, msg: r.Msg}
	}
	if err != nil {
		r := s.Refuse(err)
		if ferr := j.u.Fail(r.Status, r.Msg, true); ferr != nil {
			s.log.Error("finalize: cannot record a failure", "upload", desc.ID, "err", ferr)
			return jobOutcome{st: r.Status, msg: r.Msg}
		}
		s.settleUpload(desc.ID)
		return jobOutcome{st: r.Status, msg: r.Msg}
	}
	if err := j.u.Done(sum.Rows, sum.Skipped); err != nil {
		// Applied and durable; the next start reads the outcome from the store.
		s.log.Error("finalize: cannot record a done upload", "upload", desc.ID, "err", err)
	} else {
		s.settleUpload(desc.ID)
	}
	what := "learn upload"
	if j.args.Forget {
		what = "forget upload"
		s.metrics.forgotten.Add(float64(sum.Rows))
	} else {
		s.metrics.learned.Add(float64(sum.Rows))
	}
	s.LogChange(j.c, desc.PID, what, sum.Rows, "upload", desc.ID, "skipped", sum.Skipped, "bytes", desc.Size,
		"took", time.Since(j.start))
	return jobOutcome{st: protocol.StatusOK, msg: "Job is finished", rows: rows}
}

// summarise reads the file into its summary: types given or inferred (the project's
// types for the columns it knows), every core.
func (j *finalizeJob) summarise(desc upload.Description) (upload.Summary, error) {
	s := j.svc
	f, err := csvdata.Open(j.file, desc.Size, desc.Name)
	if err != nil {
		return upload.Summary{}, err
	}
	if j.types != nil && len(j.types) != len(f.Names) {
		return upload.Summary{}, protocol.Errorf(protocol.StatusBadRequest, `"types" has %d codes for the %d columns of %s`,
			len(j.types), len(f.Names), QuoteInput(desc.Name))
	}
	o := upload.SummaryOptions{
		Types:         j.types,
		MaxCategories: s.maxAttributes / 4,
		ErrorHandling: j.args.ErrorHandling,
		Frame:         s.frameOptions(false, j.p.PartitionColumn()),
		Partitioned:   j.p.Type() == model.TypePartition,
		MaxDeltaBytes: s.maxProjectBytes,
		Parts:         runtime.GOMAXPROCS(0),
	}
	if j.types == nil {
		names, kinds := j.p.Attributes()
		o.Known = csvdata.KnownTypes(f.Names, names, kinds)
	}
	return upload.Summarise(s.jobsCtx, f, o, &j.prog)
}

// refusal is the job's failure for err: a file's error (line, column), or one that
// names its lines, is BAD_REQUEST with its message; a stop at shutdown is 503; the
// refusals of other packages go through the table.
func (j *finalizeJob) refusal(err error) *Refusal {
	var ce *csvdata.Error
	var de *dataframe.Error
	var me *model.Error
	var pe *protocol.Error
	switch {
	case errors.As(err, &ce):
		return &Refusal{Status: protocol.StatusBadRequest, Msg: ce.Error(), err: err}
	case errors.Is(err, context.Canceled):
		return &Refusal{Status: protocol.StatusServiceUnavailable,
			Msg: "the server stopped while finalizing: nothing was learned; finalize again", err: err}
	case errors.As(err, &de), errors.As(err, &me), errors.As(err, &pe):
		return j.svc.Refuse(err)
	}
	// csvdata.Batch.Place names the lines of a DataFrame refusal it cannot put in a cell.
	return &Refusal{Status: protocol.StatusBadRequest, Msg: err.Error(), err: err}
}

// resolveUploads settles what a crash left between an upload's change and its outcome:
// each upload left finalizing gets the outcome the store knows (applied: done; refused:
// failed) or, when its change was never logged, fails (it may be finalized again). Every
// upload the store held is then settled.
func (s *Service) resolveUploads() error {
	held := map[string]store.UploadOutcome{}
	for _, o := range s.heldUploads() {
		held[o.ID] = o
	}
	var errs []error
	for _, u := range s.uploads.Unresolved() {
		st := u.Status()
		o, ok := held[u.ID()]
		var err error
		switch {
		case ok && o.Err == nil:
			err = u.Done(st.Rows, st.Skipped)
		case ok:
			r, _ := classify(o.Err)
			err = u.Fail(r.Status, r.Msg, true)
		default:
			err = u.Fail(protocol.StatusServiceUnavailable,
				"the server stopped while finalizing, before the change was logged: nothing was learned; finalize again", true)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("upload %s: %w", u.ID(), err))
			continue
		}
		s.log.Info("upload: resolved an upload left finalizing", "upload", u.ID(), "state", u.Status().State.String(), "logged", ok)
	}
	for id, o := range held {
		if u, err := s.uploads.Get(o.CID, id); err == nil {
			if st := u.Status().State; st == upload.Finalizing || st == upload.Applying {
				continue // its outcome could not be written down: keep it held
			}
		}
		s.settleUpload(id)
	}
	return errors.Join(errs...)
}
