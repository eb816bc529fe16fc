package io.symscore.client;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An upload ({@link SymscoreClient#upload}) that failed, saying what to do next.
 *
 * <ul>
 * <li>{@link #finalizing()} false: it stopped before the file was finalized (announce, a
 * connection, a chunk, the file changed, the finalize request refused). Nothing was learned;
 * the chunks acknowledged so far stay on the server: resume the upload with
 * {@link UploadOptions.Builder#resume} and {@link #uploadId()} (null when the announce
 * itself failed: start again), and, on a cluster, {@link UploadOptions.Builder#node} and
 * {@link #node()}.
 * <li>{@link #finalizing()} true: every byte arrived but the server could not learn the file
 * (the job failed: a bad cell, types that do not fit, a frozen project). Nothing was learned
 * and the file stays: finalize it again (resume with other types, or
 * {@link UploadOptions.Builder#errorHandling} 1 to skip bad rows) without sending it again.
 * A bad cell's position is {@link #line()} (the file's physical line, the header being line 1)
 * and {@link #field()} / {@link #column()}.
 * </ul>
 *
 * <p>{@link #status()}, {@link #reply()} and {@link #httpCode()} are those of the server's
 * refusal when there was one ({@link #getCause()} is the underlying failure).
 */
public final class UploadException extends SymscoreException {
    private static final long serialVersionUID = 1L;
    /** {@code <name>:<line>:<field>: column "<name>"} as the server writes a file's error. */
    private static final Pattern POSITION = Pattern.compile(":(\\d+):(\\d+): column \"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String uploadId;
    private final String node;
    private final boolean finalizing;
    private final int line;
    private final int field;
    private final String column;

    UploadException(String message, String uploadId, boolean finalizing, Throwable cause) {
        this(message, uploadId, null, finalizing, cause);
    }

    UploadException(String message, String uploadId, String node, boolean finalizing, Throwable cause) {
        super(message, cause instanceof SymscoreException ? ((SymscoreException) cause).reply() : null,
                cause instanceof SymscoreException ? ((SymscoreException) cause).httpCode() : 0,
                cause instanceof SymscoreException ? ((SymscoreException) cause).closeCode() : -1, cause);
        this.uploadId = uploadId;
        this.node = node == null || node.isEmpty() ? null : node;
        this.finalizing = finalizing;
        Matcher m = cause instanceof SymscoreException && ((SymscoreException) cause).reply() != null
                ? POSITION.matcher(((SymscoreException) cause).statusString()) : null;
        if (m != null && m.find()) {
            this.line = parse(m.group(1));
            this.field = parse(m.group(2));
            this.column = m.group(3).replaceAll("\\\\(.)", "$1");
        } else {
            this.line = -1;
            this.field = -1;
            this.column = null;
        }
    }

    private static int parse(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The upload's id, to resume or finalize again; null when the announce failed. */
    public String uploadId() {
        return uploadId;
    }

    /**
     * On a cluster, the URL of the node that holds the upload, to resume it there
     * ({@link UploadOptions.Builder#node}) past a load balancer; null when the server named
     * none (resume with the client's own URL) or the announce failed.
     */
    public String node() {
        return node;
    }

    /**
     * True when the finalize job failed (finalize again: every byte is on the server), false
     * when sending stopped (resume).
     */
    public boolean finalizing() {
        return finalizing;
    }

    /** The bad cell's line in the file (the header is line 1), or -1 when not known. */
    public int line() {
        return line;
    }

    /** The bad cell's column number, from 1, or -1 when not known. */
    public int field() {
        return field;
    }

    /** The bad cell's column name, or null when not known. */
    public String column() {
        return column;
    }
}
