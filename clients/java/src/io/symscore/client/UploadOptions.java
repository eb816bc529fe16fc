package io.symscore.client;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Options of an upload ({@link SymscoreClient#upload}): what finalize does (learn or forget,
 * types, error handling), which upload to resume (and on which cluster node), and how the
 * bytes are sent (connections, window, chunk size). Immutable; made by {@link #builder()},
 * whose setters refuse a bad value at once with an IllegalArgumentException ({@link Builder#build}
 * refuses a node without a resume).
 */
public final class UploadOptions {
    /** Connections sending chunks at once, by default. */
    public static final int DEFAULT_CONNECTIONS = 3;
    /** Chunks awaiting their reply on each connection, by default. */
    public static final int DEFAULT_WINDOW = 4;
    /** Bytes of each chunk, by default (1 MiB). */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;
    /** Most connections one upload may use. */
    public static final int MAX_CONNECTIONS = 64;
    /** Largest window. */
    public static final int MAX_WINDOW = 256;
    /**
     * Largest chunk this client makes (256 MiB); the server takes chunks up to its
     * {@code limits.max_frame_bytes} (default 16 MiB) less the 8 bytes of the position.
     */
    public static final int MAX_CHUNK_SIZE = 256 << 20;
    private static final Pattern TYPES = Pattern.compile("[A-Z](,[A-Z])*");

    final boolean forget;
    final String types;
    final int errorHandling;
    final String resume;
    final String node;
    final String name;
    final int connections;
    final int window;
    final int chunkSize;
    final Duration jobPoll;
    final Consumer<UploadProgress> progress;

    private UploadOptions(Builder b) {
        this.forget = b.forget;
        this.types = b.types;
        this.errorHandling = b.errorHandling;
        this.resume = b.resume;
        this.node = b.node;
        this.name = b.name;
        this.connections = b.connections;
        this.window = b.window;
        this.chunkSize = b.chunkSize;
        this.jobPoll = b.jobPoll;
        this.progress = b.progress;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every default: learn, inferred types, fail at the first bad cell, a new upload. */
    public static UploadOptions defaults() {
        return new Builder().build();
    }

    /** Options of an {@link UploadOptions}. */
    public static final class Builder {
        private boolean forget;
        private String types;
        private int errorHandling;
        private String resume;
        private String node;
        private String name;
        private int connections = DEFAULT_CONNECTIONS;
        private int window = DEFAULT_WINDOW;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private Duration jobPoll = Duration.ofMillis(250);
        private Consumer<UploadProgress> progress;

        private Builder() {
        }

        /** Forget the file's rows instead of learning them (default false). */
        public Builder forget(boolean on) {
            this.forget = on;
            return this;
        }

        /**
         * One type code per column, comma-separated ({@code "C,C,T,B"}); null (the default):
         * the server infers them from the whole file.
         */
        public Builder types(String codes) {
            if (codes != null && !TYPES.matcher(codes).matches()) {
                throw new IllegalArgumentException("types must be type codes separated by commas, e.g. C,C,T,B: "
                        + codes);
            }
            this.types = codes;
            return this;
        }

        /** 0 (the default): the first bad cell fails the job, changing nothing; 1: bad rows are skipped. */
        public Builder errorHandling(int mode) {
            if (mode != 0 && mode != 1) {
                throw new IllegalArgumentException("errorHandling must be 0 or 1: " + mode);
            }
            this.errorHandling = mode;
            return this;
        }

        /**
         * Resume upload {@code uploadId} (from an {@link UploadException}) instead of announcing
         * a new one: only the bytes it misses are sent; one whose bytes all arrived is
         * finalized again. Null (the default): a new upload.
         */
        public Builder resume(String uploadId) {
            if (uploadId != null && uploadId.isEmpty()) {
                throw new IllegalArgumentException("resume needs an upload id");
            }
            this.resume = uploadId;
            return this;
        }

        /**
         * On a cluster, the URL of the node that holds the upload to resume
         * ({@link UploadException#node}): its status, chunks and finalize go there, signed for
         * that URL, whatever URL the client has (a load balancer in front of the nodes). A
         * scheme ({@code ws}, {@code wss}, {@code http} or {@code https}) and a host, as
         * {@link SymscoreClient#at} takes. Null or empty (the default): the client's own URL.
         * Only with {@link #resume}: a new upload goes to the node its announce names.
         */
        public Builder node(String nodeUrl) {
            if (nodeUrl != null && !nodeUrl.isEmpty()) {
                SymscoreClient.nodeURI(nodeUrl);
            }
            this.node = nodeUrl == null || nodeUrl.isEmpty() ? null : nodeUrl;
            return this;
        }

        /** The name announced (it appears in the file's errors); null (the default): the file's name. */
        public Builder name(String fileName) {
            if (fileName != null && fileName.isEmpty()) {
                throw new IllegalArgumentException("name is empty");
            }
            this.name = fileName;
            return this;
        }

        /** Connections sending chunks at once, 1 to {@value #MAX_CONNECTIONS} (default 3). */
        public Builder connections(int n) {
            if (n < 1 || n > MAX_CONNECTIONS) {
                throw new IllegalArgumentException("connections must be 1 to " + MAX_CONNECTIONS + ": " + n);
            }
            this.connections = n;
            return this;
        }

        /** Chunks awaiting their reply on each connection, 1 to {@value #MAX_WINDOW} (default 4). */
        public Builder window(int n) {
            if (n < 1 || n > MAX_WINDOW) {
                throw new IllegalArgumentException("window must be 1 to " + MAX_WINDOW + ": " + n);
            }
            this.window = n;
            return this;
        }

        /** Bytes of each chunk, 1 to {@link #MAX_CHUNK_SIZE} (default 1 MiB). */
        public Builder chunkSize(int bytes) {
            if (bytes < 1 || bytes > MAX_CHUNK_SIZE) {
                throw new IllegalArgumentException("chunkSize must be 1 to " + MAX_CHUNK_SIZE + ": " + bytes);
            }
            this.chunkSize = bytes;
            return this;
        }

        /** How often the finalize job is polled, at least 10 ms (default 250 ms). */
        public Builder jobPoll(Duration every) {
            if (every == null || every.toMillis() < 10) {
                throw new IllegalArgumentException("jobPoll must be at least 10ms: " + every);
            }
            this.jobPoll = every;
            return this;
        }

        /**
         * Called as chunks are acknowledged and as the job learns; calls come one at a time,
         * from the threads that upload, and must return quickly. Null (the default): none.
         */
        public Builder progress(Consumer<UploadProgress> callback) {
            this.progress = callback;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException when a node is set without a resume
         */
        public UploadOptions build() {
            if (node != null && resume == null) {
                throw new IllegalArgumentException("node " + node + " names where an upload to resume is: set resume too");
            }
            return new UploadOptions(this);
        }
    }
}
