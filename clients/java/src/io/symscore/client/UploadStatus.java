package io.symscore.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the server says of an upload ({@code GET /uploads/{id}}, docs/uploads.md section 3).
 *
 * @param uploadId    the upload's id
 * @param pid         the project it is for
 * @param name        the file's name as announced
 * @param size        the file's size in bytes
 * @param received    the distinct bytes the server holds
 * @param complete    {@code received == size}
 * @param missing     at most 100 half-open ranges {@code [from, to)} still absent, in order
 * @param state       {@code receiving}, {@code finalizing}, {@code done}, {@code failed} or
 *                    {@code expired}
 * @param expires     when it expires (RFC 3339), "" when not said
 * @param job         the id of the last finalize job, "" when none
 * @param rowsApplied rows learned once done (0 before)
 * @param rowsSkipped bad rows skipped once done (0 before)
 * @param error       a failed finalize's message, "" otherwise
 * @param node        on a cluster, the URL of the node that holds the upload, where its status,
 *                    chunks, finalize and deletion go ({@link SymscoreClient#at}); "" when the
 *                    server names none
 * @param nodeId      that node's {@code cluster.node_id} ("" when not said)
 */
public record UploadStatus(String uploadId, String pid, String name, long size, long received,
                           boolean complete, List<ByteRange> missing, String state, String expires,
                           String job, long rowsApplied, long rowsSkipped, String error, String node,
                           String nodeId) {

    /** A half-open byte range {@code [from, to)} of a file. */
    public record ByteRange(long from, long to) {
        /** The range's length. */
        public long length() {
            return to - from;
        }
    }

    /**
     * Reads the status from a reply's {@code values}.
     *
     * @throws SymscoreException (no status) when a key has the wrong shape or a range is not
     *                           {@code [from, to]} with {@code 0 <= from < to <= size}
     */
    static UploadStatus of(Map<String, Object> v) {
        long size = Upload.number(v, "size", true);
        List<ByteRange> missing = new ArrayList<>();
        Object m = v.get("missing");
        if (m != null) {
            if (!(m instanceof List)) {
                throw Upload.malformed("values.missing is not an array");
            }
            for (Object r : (List<?>) m) {
                missing.add(range(r, size));
            }
        }
        Object complete = v.get("complete");
        if (!(complete instanceof Boolean)) {
            throw Upload.malformed("values.complete is not a boolean");
        }
        return new UploadStatus(Upload.string(v, "uploadId", true), Upload.string(v, "pid", true),
                Upload.string(v, "name", false), size, Upload.number(v, "received", true),
                (Boolean) complete, List.copyOf(missing), Upload.string(v, "state", true),
                Upload.string(v, "expires", false), Upload.string(v, "job", false),
                Upload.number(v, "rowsApplied", false), Upload.number(v, "rowsSkipped", false),
                Upload.string(v, "error", false), Upload.string(v, "node", false), Upload.string(v, "nodeId", false));
    }

    private static ByteRange range(Object r, long size) {
        if (r instanceof List && ((List<?>) r).size() == 2
                && ((List<?>) r).get(0) instanceof Long && ((List<?>) r).get(1) instanceof Long) {
            long from = (Long) ((List<?>) r).get(0);
            long to = (Long) ((List<?>) r).get(1);
            if (0 <= from && from < to && to <= size) {
                return new ByteRange(from, to);
            }
        }
        throw Upload.malformed("values.missing holds " + Json.toJson(r) + ", not a range [from,to] within the size "
                + size);
    }
}
