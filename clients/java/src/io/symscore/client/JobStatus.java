package io.symscore.client;

import java.util.Map;

/**
 * A job's state asked once ({@link SymscoreClient#jobStatus}): running, with a finalize's
 * progress, or finished, with a finalize's rows. A failed job is thrown, never returned.
 *
 * @param running     true while the job runs (HTTP 202)
 * @param bytes       bytes a running finalize has read and summarised
 * @param rows        rows a running finalize has summarised
 * @param fraction    the whole job's work done, 0 to 1 (1 once finished)
 * @param phase       a running finalize's phase: {@code inferring}, {@code learning} or
 *                    {@code applying} ("" when not said)
 * @param rowsApplied a finished finalize's rows learned (or forgotten)
 * @param rowsSkipped a finished finalize's bad rows skipped ({@code errorHandling} 1)
 */
public record JobStatus(boolean running, long bytes, long rows, double fraction, String phase,
                        long rowsApplied, long rowsSkipped) {

    /** Reads a job reply (202 running, 200 finished). */
    static JobStatus of(Reply r) {
        Map<String, Object> v = r.values();
        boolean running = r.httpCode() == 202;
        long bytes = 0;
        long rows = 0;
        double fraction = 0;
        String phase = "";
        Object p = v.get("progress");
        if (p != null) {
            if (!(p instanceof Map)) {
                throw Upload.malformed("values.progress is not an object");
            }
            Map<String, Object> pm = Upload.castMap(p);
            bytes = Upload.number(pm, "bytes", false);
            rows = Upload.number(pm, "rows", false);
            Object f = pm.get("fraction");
            if (f != null && !(f instanceof Number)) {
                throw Upload.malformed("values.progress.fraction is not a number");
            }
            fraction = f == null ? 0 : Math.max(0, Math.min(1, ((Number) f).doubleValue()));
            phase = Upload.string(pm, "phase", false);
        }
        return new JobStatus(running, bytes, rows, running ? fraction : 1.0, phase,
                Upload.number(v, "rowsApplied", false), Upload.number(v, "rowsSkipped", false));
    }
}
