package io.symscore.client;

/**
 * How far an upload got, handed to {@link UploadOptions.Builder#progress}: phase
 * {@code sending} ({@code received} bytes of {@code size} on the server, never decreasing) or
 * {@code learning} ({@code job}: the finalize job's state).
 *
 * @param phase    {@code "sending"} or {@code "learning"}
 * @param uploadId the upload's id
 * @param received bytes the server holds
 * @param size     the file's size
 * @param job      the finalize job's state while learning, else null
 */
public record UploadProgress(String phase, String uploadId, long received, long size, JobStatus job) {
    /** The phase's work done, 0 to 1. */
    public double fraction() {
        if (job != null) {
            return job.fraction();
        }
        return size == 0 ? 1.0 : (double) received / size;
    }
}
