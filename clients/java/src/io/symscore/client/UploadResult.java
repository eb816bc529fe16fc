package io.symscore.client;

/**
 * What an upload ({@link SymscoreClient#upload}) did.
 *
 * @param uploadId    the upload's id
 * @param jobId       the finalize job's id
 * @param rowsApplied rows learned (or forgotten)
 * @param rowsSkipped bad rows skipped ({@link UploadOptions.Builder#errorHandling} 1)
 * @param sent        bytes this call sent (a resume sends only what was missing)
 */
public record UploadResult(String uploadId, String jobId, long rowsApplied, long rowsSkipped, long sent) {
}
