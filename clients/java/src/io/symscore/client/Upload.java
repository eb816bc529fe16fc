package io.symscore.client;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Bulk uploads (docs/uploads.md): the chunk format and the steps of
 * {@link SymscoreClient#upload}.
 *
 * <p>The steps: announce the file (or, resuming, check that the upload is of a file of the same
 * size for the same project and still takes bytes); then, until the server holds every byte,
 * read its status, cut the missing ranges into chunks and send them over
 * {@link UploadOptions.Builder#connections} {@link SymscoreClient#uploadSession}s at once, each
 * with at most {@link UploadOptions.Builder#window} chunks awaiting their reply (every reply is
 * checked against its chunk); check that the file did not change meanwhile (size and
 * modification time); finalize; poll the job until it ends. A round that leaves the server's
 * received count where it was is a failure, so the loop always ends. The threads that send are
 * the upload's own and end with it.
 *
 * <p>On a cluster, the node that takes the announce holds the upload and names itself
 * ({@link Announced#node}); every later step goes to that node ({@link SymscoreClient#at}),
 * not to the client's URL, which may be a load balancer that sends a request to another node.
 * A resume goes to {@link UploadOptions.Builder#node}.
 */
public final class Upload {
    private Upload() {
    }

    /**
     * What an announce answers ({@link SymscoreClient#announceUpload}).
     *
     * @param uploadId  the upload's id
     * @param chunkSize the chunk size the server suggests (0 when not said)
     * @param expires   when it expires unless a chunk arrives before (RFC 3339; "" when not said)
     * @param node      on a cluster, the URL of the node that took the announce and holds the
     *                  upload ({@code cluster.advertise_url}, e.g. {@code ws://10.0.0.7:8080}):
     *                  the upload's status, chunks, finalize and deletion go there
     *                  ({@link SymscoreClient#at}); "" when the server names none
     * @param nodeId    that node's {@code cluster.node_id} ("" when not said)
     */
    public record Announced(String uploadId, long chunkSize, String expires, String node, String nodeId) {
        static Announced of(Reply r) {
            Map<String, Object> v = r.values();
            return new Announced(string(v, "uploadId", true), number(v, "chunkSize", false),
                    string(v, "expires", false), string(v, "node", false), string(v, "nodeId", false));
        }
    }

    /**
     * The binary message of a chunk: 8 bytes big-endian {@code position}, then {@code data},
     * ready for {@link Session#sendBinary}.
     *
     * @throws IllegalArgumentException when {@code data} is empty or the chunk would end past
     *                                  the largest position
     */
    public static ByteBuffer chunkMessage(long position, byte[] data) {
        checkChunk(position, data.length);
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putLong(position).put(data).flip();
        return b;
    }

    private static void checkChunk(long position, long length) {
        if (length <= 0) {
            throw new IllegalArgumentException("a chunk holds at least one byte");
        }
        if (position < 0 || position > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("chunk position out of range: " + position);
        }
    }

    /**
     * The chunks {@code [from, to)} of at most {@code chunkSize} bytes that cover
     * {@code ranges}, in order: each range is cut on its own, its last chunk possibly shorter.
     *
     * @throws IllegalArgumentException when {@code chunkSize < 1} or a range is empty or negative
     */
    public static List<UploadStatus.ByteRange> cut(List<UploadStatus.ByteRange> ranges, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1: " + chunkSize);
        }
        List<UploadStatus.ByteRange> out = new ArrayList<>();
        for (UploadStatus.ByteRange r : ranges) {
            if (r.from() < 0 || r.from() >= r.to()) {
                throw new IllegalArgumentException("not a byte range: [" + r.from() + ", " + r.to() + ")");
            }
            for (long pos = r.from(); pos < r.to(); pos = Math.min(pos + chunkSize, r.to())) {
                out.add(new UploadStatus.ByteRange(pos, Math.min(pos + chunkSize, r.to())));
            }
        }
        return out;
    }

    /** The whole upload: see the class comment and {@link SymscoreClient#upload}. */
    static UploadResult run(SymscoreClient c, Path path, String pid, UploadOptions o) throws IOException {
        long size = Files.size(path);
        FileTime mtime = Files.getLastModifiedTime(path);
        if (size == 0) {
            throw new IllegalArgumentException(path + " is empty");
        }
        String id = o.resume;
        String node = o.node;
        SymscoreClient nc;
        try {
            if (id == null) {
                Announced a = c.announceUpload(pid, o.name != null ? o.name : path.getFileName().toString(), size);
                id = a.uploadId();
                node = a.node();
            }
            // On a cluster the node that took the announce holds the upload: everything else
            // goes there, past a load balancer that might send it to another node.
            try {
                nc = c.at(node);
            } catch (IllegalArgumentException e) {
                node = null; // not one to resume at
                throw new SymscoreException("the server names its node by " + e.getMessage(), 0, -1, e);
            }
            if (o.resume != null) {
                UploadStatus st = nc.uploadStatus(id);
                if (st.size() != size) {
                    throw new SymscoreException("the upload is of " + st.size() + " bytes, the file of " + size
                            + ": not the same file", 0, -1, null);
                }
                if (!st.pid().equals(pid)) {
                    throw new SymscoreException("the upload is for project " + st.pid() + ", not " + pid, 0, -1, null);
                }
                if (!st.state().equals("receiving") && !st.state().equals("failed")) {
                    throw new SymscoreException("the upload is " + st.state() + ": there is nothing to resume",
                            0, -1, null);
                }
            }
        } catch (SymscoreException e) {
            throw new UploadException(id == null ? e.getMessage() : "upload " + id + ": " + e.getMessage(),
                    id, node, false, e);
        }
        Reporter report = new Reporter(o.progress, id, size);
        long sent = 0;
        String location;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long before = -1;
            while (true) {
                UploadStatus st = nc.uploadStatus(id);
                report.sending(st.received());
                if (st.complete()) {
                    break;
                }
                if (st.missing().isEmpty()) {
                    throw new SymscoreException("the server reports the upload incomplete but misses nothing",
                            0, -1, null);
                }
                if (st.received() <= before) {
                    throw new SymscoreException("the server still holds " + st.received()
                            + " bytes after a round of chunks it acknowledged", 0, -1, null);
                }
                before = st.received();
                sent += send(nc, id, ch, path, cut(st.missing(), o.chunkSize), o, report);
            }
            if (Files.size(path) != size || !Files.getLastModifiedTime(path).equals(mtime)) {
                throw new SymscoreException(path + " changed while it was sent; delete the upload and start again",
                        0, -1, null);
            }
            location = nc.finalizeUpload(id, o.forget, o.types, o.errorHandling);
        } catch (SymscoreException | IOException e) {
            throw new UploadException("upload " + id + ": " + e.getMessage(), id, node, false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadException("upload " + id + ": interrupted while sending", id, node, false, e);
        }
        String jobPath = URI.create(location).getRawPath().replaceAll("/+$", "");
        String jobId = jobPath.substring(jobPath.lastIndexOf('/') + 1);
        try {
            while (true) {
                JobStatus js = nc.jobStatus(location);
                report.learning(js);
                if (!js.running()) {
                    return new UploadResult(id, jobId, js.rowsApplied(), js.rowsSkipped(), sent);
                }
                Thread.sleep(o.jobPoll.toMillis());
            }
        } catch (SymscoreException e) {
            throw new UploadException("upload " + id + ": " + e.getMessage(), id, node, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadException("upload " + id + ": interrupted while job " + jobId
                    + " ran (it goes on: see the upload's status)", id, node, true, e);
        }
    }

    /**
     * Sends {@code chunks} over up to {@code o.connections} connections at once; returns the
     * bytes sent. The first failure stops every connection from taking more chunks and is
     * thrown once they all ended.
     */
    private static long send(SymscoreClient c, String id, FileChannel ch, Path path,
                             List<UploadStatus.ByteRange> chunks, UploadOptions o, Reporter report)
            throws IOException, InterruptedException {
        Queue<UploadStatus.ByteRange> queue = new ConcurrentLinkedQueue<>(chunks);
        AtomicLong total = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        int n = Math.max(1, Math.min(o.connections, chunks.size()));
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "symscore-upload-" + id);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                workers.add(pool.submit(() -> {
                    try {
                        sendFrom(c, id, ch, path, queue, o.window, total, failure, report);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Future<?> w : workers) {
                try {
                    w.get();
                } catch (ExecutionException e) {
                    failure.compareAndSet(null, new SymscoreException(String.valueOf(e.getCause()), 0, -1, e.getCause()));
                }
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
            pool.shutdownNow();
            throw e;
        } finally {
            pool.shutdown();
        }
        Exception e = failure.get();
        if (e instanceof IOException) {
            throw (IOException) e;
        }
        if (e instanceof InterruptedException) {
            throw (InterruptedException) e;
        }
        if (e instanceof RuntimeException) {
            throw (RuntimeException) e;
        }
        if (e != null) {
            throw new SymscoreException(String.valueOf(e), 0, -1, e);
        }
        return total.get();
    }

    /** A chunk sent and the future of its reply. */
    private record InFlight(CompletableFuture<Reply> reply, UploadStatus.ByteRange chunk) {
    }

    /** One connection's work: chunks from the queue until it is empty or another one failed. */
    private static void sendFrom(SymscoreClient c, String id, FileChannel ch, Path path,
                                 Queue<UploadStatus.ByteRange> queue, int window, AtomicLong total,
                                 AtomicReference<Exception> failure, Reporter report) throws IOException {
        try (Session s = c.uploadSession(id)) {
            ArrayDeque<InFlight> pending = new ArrayDeque<>();
            UploadStatus.ByteRange r;
            while (failure.get() == null && (r = queue.poll()) != null) {
                while (pending.size() >= window) {
                    acknowledged(pending.removeFirst(), c, total, report);
                }
                pending.addLast(new InFlight(s.sendBinary(read(ch, path, r)), r));
            }
            while (!pending.isEmpty()) {
                acknowledged(pending.removeFirst(), c, total, report);
            }
        }
    }

    /** Reads chunk {@code r} of the file into its binary message. */
    private static ByteBuffer read(FileChannel ch, Path path, UploadStatus.ByteRange r) throws IOException {
        int len = Math.toIntExact(r.length());
        checkChunk(r.from(), len);
        ByteBuffer b = ByteBuffer.allocate(8 + len);
        b.putLong(r.from());
        long pos = r.from();
        while (b.hasRemaining()) {
            int got = ch.read(b, pos);
            if (got < 0) {
                throw new IOException(path + ": cannot read bytes " + r.from() + " to " + r.to()
                        + ": the file ends at " + pos);
            }
            pos += got;
        }
        return b.flip();
    }

    /** Waits for a chunk's reply and checks that it acknowledges that chunk. */
    private static void acknowledged(InFlight f, SymscoreClient c, AtomicLong total, Reporter report) {
        Reply r = Session.await(f.reply(), c.requestTimeout());
        long pos = number(r.values(), "position", true);
        long len = number(r.values(), "length", true);
        if (pos != f.chunk().from() || len != f.chunk().length()) {
            throw malformed("chunk [" + f.chunk().from() + ", " + f.chunk().to() + ") acknowledged as position "
                    + pos + ", length " + len);
        }
        total.addAndGet(len);
        report.sending(number(r.values(), "received", true));
    }

    /** Hands progress to the callback, one call at a time, the received count never decreasing. */
    private static final class Reporter {
        private final Consumer<UploadProgress> progress;
        private final String id;
        private final long size;
        private long received = -1;

        Reporter(Consumer<UploadProgress> progress, String id, long size) {
            this.progress = progress;
            this.id = id;
            this.size = size;
        }

        synchronized void sending(long got) {
            if (got > received) {
                received = got;
                if (progress != null) {
                    progress.accept(new UploadProgress("sending", id, got, size, null));
                }
            }
        }

        synchronized void learning(JobStatus job) {
            if (progress != null) {
                progress.accept(new UploadProgress("learning", id, size, size, job));
            }
        }
    }

    // ---- reading reply values ----

    static SymscoreException malformed(String msg) {
        return new SymscoreException(msg, 0, -1, null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    /** The whole number {@code v.key} (0 when absent and not required). */
    static long number(Map<String, Object> v, String key, boolean required) {
        Object o = v.get(key);
        if (o == null && !required) {
            return 0;
        }
        if (!(o instanceof Long)) {
            throw malformed("values." + key + (o == null ? " is missing" : " is not a whole number: " + Json.toJson(o)));
        }
        return (Long) o;
    }

    /** The string {@code v.key} ("" when absent and not required). */
    static String string(Map<String, Object> v, String key, boolean required) {
        Object o = v.get(key);
        if (o == null && !required) {
            return "";
        }
        if (!(o instanceof String) || (required && ((String) o).isEmpty())) {
            throw malformed("values." + key + (o == null ? " is missing" : " is not a non-empty string: " + Json.toJson(o)));
        }
        return (String) o;
    }
}
