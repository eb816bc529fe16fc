package io.symscore.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One WebSocket connection to a symscore endpoint ({@code /symetry/ws/learn}, {@code forget},
 * {@code predict} or {@code upload}) bound to its extra keys ({@code [pid]},
 * {@code [pid, modelId]} or {@code [uploadId]}).
 *
 * <p>Pipelining: {@link #send} returns at once with a future for the reply; many messages can be
 * in flight, and replies complete their futures in the order the messages were sent. A future
 * completes normally with an OK reply and exceptionally with a {@link SymscoreException} for an
 * error reply (status, statusString and values such as {@code stringToSign}) or when the
 * connection fails or closes (then {@link SymscoreException#closeCode()} says how; after an
 * authentication failure the server closes with 1008 and every later message fails). An error
 * reply other than an authentication failure leaves the session usable.
 *
 * <p>Framing: every message is sent signed and framed ({@code <N>,<header><payload>}) unless the
 * session was opened with session frames, in which case only the first one is and later ones
 * are the bare payload. Binary messages ({@link #sendBinary}: upload chunks) are sent as they
 * are, after the signed first message. Signed learn and forget messages carry strictly increasing dates, so the
 * server never takes one for a replay.
 *
 * <p>Liveness: while replies are due, a connection that stays silent for a second is probed with
 * a ping, and one that stays silent for the request timeout (or whose ping cannot be sent) is
 * taken as lost: every pending reply fails and the connection is aborted. Any frame from the
 * server (a reply, a pong) counts as a sign of life. This does not rely on the JDK reporting
 * a dropped connection: JDK 17's WebSocket can miss an end of input that arrives while a
 * received message is being handed to the listener, leaving the session open and its replies
 * pending forever.
 *
 * <p>Replies sent in several WebSocket fragments are reassembled; a reply longer than the
 * client's limit fails the session. Safe for concurrent use: concurrent senders are ordered by
 * an internal lock. The futures complete on the HTTP client's executor: do not block there
 * waiting for a later reply of the same session.
 */
public final class Session implements AutoCloseable {
    /** The WebSocket endpoints a Session speaks to. */
    public enum Endpoint {
        LEARN("learn"), FORGET("forget"), PREDICT("predict"), UPLOAD("upload");

        private final String path;

        Endpoint(String name) {
            this.path = "/symetry/ws/" + name;
        }

        /** The request path, e.g. {@code /symetry/ws/learn}. */
        public String path() {
            return path;
        }
    }

    private final Signer signer;
    private final String serviceURL;
    private final List<String> extraKeys;
    private final boolean sessionFrames;
    private final Duration timeout;
    private final LongSupplier ticker; // the clock of lastHeard: System.nanoTime but in tests
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile WebSocket ws;

    private final Object lock = new Object();
    // lock guards pending, sendChain, framedSent, failure, closing, lastHeard, watching, probed.
    private final ArrayDeque<CompletableFuture<Reply>> pending = new ArrayDeque<>();
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private boolean framedSent;
    private SymscoreException failure;
    private boolean closing;
    // lastHeard is when the server last sent a frame, or when a reply last became due after
    // none was (ticker, nanoseconds); watching: a liveness check is scheduled; probed: a ping was
    // sent since lastHeard.
    private long lastHeard;
    private boolean watching;
    private boolean probed;

    private Session(Signer signer, String serviceURL, List<String> extraKeys, boolean sessionFrames,
                    Duration timeout, LongSupplier ticker) {
        this.signer = signer;
        this.serviceURL = serviceURL;
        this.extraKeys = List.copyOf(extraKeys);
        this.sessionFrames = sessionFrames;
        this.timeout = timeout;
        this.ticker = ticker;
    }

    /**
     * Connects. {@code dialURI} is the ws:// or wss:// URI to dial; {@code serviceURL} is the URL
     * the signatures cover (the same URI, as the server rebuilds it from the Host header).
     * {@code ticker} is the monotonic clock the liveness check measures silence with
     * ({@link System#nanoTime} but in tests).
     */
    static Session open(HttpClient http, Signer signer, URI dialURI, String serviceURL,
                        List<String> extraKeys, boolean sessionFrames, Duration timeout,
                        int maxReplyChars, LongSupplier ticker) {
        Session s = new Session(signer, serviceURL, extraKeys, sessionFrames, timeout, ticker);
        try {
            s.ws = http.newWebSocketBuilder()
                    .connectTimeout(timeout)
                    .buildAsync(dialURI, s.new Listener(maxReplyChars))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof WebSocketHandshakeException) {
                int code = ((WebSocketHandshakeException) c).getResponse().statusCode();
                throw new SymscoreException("websocket handshake with " + dialURI + " refused: HTTP "
                        + code, code, -1, c);
            }
            throw new SymscoreException("cannot connect to " + dialURI + ": " + SymscoreClient.describe(c), 0, -1, c);
        } catch (TimeoutException e) {
            throw new SymscoreException("cannot connect to " + dialURI + ": timed out", 0, -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SymscoreException("interrupted while connecting", 0, -1, e);
        }
        return s;
    }

    /** The URL the signatures cover, e.g. {@code ws://127.0.0.1:8080/symetry/ws/learn}. */
    public String serviceURL() {
        return serviceURL;
    }

    /** The extra keys sent with every signed message. */
    public List<String> extraKeys() {
        return extraKeys;
    }

    /** Sends one DataFrame; see {@link #send(String)}. */
    public CompletableFuture<Reply> send(DataFrame df) {
        return send(df.toJson());
    }

    /**
     * Sends one message with {@code payload} (a DataFrame JSON object) without waiting for the
     * reply, and returns the future of its reply.
     */
    public CompletableFuture<Reply> send(String payload) {
        return enqueue(() -> {
            String msg = framedSent && sessionFrames
                    ? payload
                    : signer.frame(payload, serviceURL, extraKeys);
            framedSent = true;
            return w -> w.sendText(msg, true);
        });
    }

    /**
     * Sends one binary message (an upload chunk: {@link Upload#chunkMessage}) without waiting
     * for the reply, and returns the future of its reply, pipelined and ordered with the text
     * messages as {@link #send(String)}. The bytes between the buffer's position and limit
     * are sent; the session owns the buffer until the future completes (do not change it).
     * A binary message must follow a signed text message (the server closes the connection
     * otherwise): before one, the future fails at once and nothing is sent.
     */
    public CompletableFuture<Reply> sendBinary(ByteBuffer data) {
        return enqueue(() -> {
            if (!framedSent) {
                throw new SymscoreException("a binary message before the signed first message", 0, -1, null);
            }
            return w -> w.sendBinary(data, true);
        });
    }

    /** One message ready to go out on a WebSocket. */
    private interface Outgoing {
        CompletableFuture<WebSocket> sendOn(WebSocket w);
    }

    /**
     * Queues one message: {@code prepare} runs under the lock (it may read and set
     * framedSent, or refuse with a SymscoreException), and the message it returns is sent
     * after every earlier one, its reply future queued in the same order.
     */
    private CompletableFuture<Reply> enqueue(Supplier<Outgoing> prepare) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        synchronized (lock) {
            if (failure != null) {
                f.completeExceptionally(failure);
                return f;
            }
            if (closing) {
                f.completeExceptionally(new SymscoreException("session is closed", 0, -1, null));
                return f;
            }
            Outgoing msg;
            try {
                msg = prepare.get();
            } catch (SymscoreException e) {
                f.completeExceptionally(e);
                return f;
            }
            if (pending.isEmpty()) {
                lastHeard = ticker.getAsLong();
                probed = false;
            }
            pending.addLast(f);
            if (!watching) {
                watching = true;
                scheduleCheck();
            }
            WebSocket w = ws;
            sendChain = sendChain.thenCompose(v -> msg.sendOn(w));
            sendChain.whenComplete((v, e) -> {
                if (e != null) {
                    sendFailed(f, new SymscoreException("cannot send: " + unwrap(e), 0, -1, unwrap(e)), w);
                }
            });
        }
        return f;
    }

    /** Sends one DataFrame and waits for its reply; throws {@link SymscoreException} on errors. */
    public Reply request(DataFrame df) {
        return await(send(df), timeout);
    }

    /** Waits for a reply future, rethrowing its {@link SymscoreException}. */
    public static Reply await(CompletableFuture<Reply> f, Duration timeout) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof SymscoreException) {
                throw (SymscoreException) c;
            }
            throw new SymscoreException(String.valueOf(c), 0, -1, c);
        } catch (TimeoutException e) {
            throw new SymscoreException("no reply within " + timeout, 0, -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SymscoreException("interrupted while waiting for a reply", 0, -1, e);
        }
    }

    /** Messages sent whose reply has not arrived yet. */
    public int inFlight() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /** True until the connection fails or is closed. */
    public boolean isOpen() {
        synchronized (lock) {
            return failure == null && !closing;
        }
    }

    /**
     * Waits (up to the client's request timeout) for the replies still in flight, then closes the
     * connection with status 1000. Messages whose reply did not arrive fail. A connection that
     * has already ended (closed by the server, failed, or aborted as lost) is not waited for.
     */
    @Override
    public void close() {
        CompletableFuture<Reply> last;
        CompletableFuture<?> chain;
        synchronized (lock) {
            closing = true;
            last = pending.peekLast();
            chain = sendChain;
        }
        long ms = timeout.toMillis();
        if (last != null) {
            quietly(last, ms);
        }
        WebSocket w = ws;
        quietly(chain.handle((v, e) -> null)
                .thenCompose(v -> w.sendClose(WebSocket.NORMAL_CLOSURE, "")), ms);
        quietly(closed, ms);
        w.abort();
        fail(new SymscoreException("session is closed", 0, WebSocket.NORMAL_CLOSURE, null));
    }

    private static void quietly(CompletableFuture<?> f, long ms) {
        try {
            f.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // closing: the outcome is reported through the futures
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * Fails the reply of a message that could not be sent, and refuses later sends. Replies
     * to earlier messages may still be on their way: they are delivered until the input
     * ends, which fails whatever is left; the connection is aborted after a grace period in
     * case it never does.
     */
    private void sendFailed(CompletableFuture<Reply> f, SymscoreException e, WebSocket w) {
        boolean first;
        synchronized (lock) {
            first = failure == null;
            if (first) {
                failure = e;
            }
            pending.remove(f);
        }
        f.completeExceptionally(e);
        if (first) {
            CompletableFuture.delayedExecutor(SEND_FAILURE_GRACE_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
                fail(e);
                abort(w);
            });
        }
    }

    /** How long replies to earlier messages may still arrive after a send failed. */
    private static final long SEND_FAILURE_GRACE_MILLIS = 2000;

    /** Silence, with replies due, after which the connection is probed with a ping. */
    private static final long PROBE_AFTER_MILLIS = 1000;
    /** How often the liveness check runs while replies are due. */
    private static final long CHECK_EVERY_MILLIS = 250;

    /** Schedules the next liveness check; called with lock held. */
    private void scheduleCheck() {
        CompletableFuture.delayedExecutor(CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS).execute(this::checkLiveness);
    }

    /** Notes a frame from the server: the connection is alive. */
    private void heard() {
        synchronized (lock) {
            lastHeard = ticker.getAsLong();
            probed = false;
        }
    }

    /**
     * The liveness check (see the class comment): runs every CHECK_EVERY_MILLIS while replies
     * are due, probes a silent connection with a ping, and fails the session when the
     * connection stayed silent for the request timeout or the ping could not be sent.
     */
    private void checkLiveness() {
        long silentNanos;
        boolean probe = false;
        synchronized (lock) {
            if (pending.isEmpty() || failure != null) {
                watching = false;
                return;
            }
            silentNanos = ticker.getAsLong() - lastHeard;
            if (silentNanos < timeout.toNanos()) {
                if (!probed && silentNanos >= TimeUnit.MILLISECONDS.toNanos(PROBE_AFTER_MILLIS)) {
                    probed = true;
                    probe = true;
                }
                scheduleCheck();
            } else {
                watching = false;
            }
        }
        WebSocket w = ws;
        if (silentNanos >= timeout.toNanos()) {
            lost(new SymscoreException("connection lost: nothing received from the server for " + timeout
                    + " while replies were due", 0, -1, null), w);
            return;
        }
        if (probe) {
            w.sendPing(ByteBuffer.allocate(0)).whenComplete((v, e) -> {
                if (e != null) {
                    lost(new SymscoreException("connection lost: cannot send a ping: " + unwrap(e), 0, -1, unwrap(e)), w);
                }
            });
        }
    }

    /** Fails the session and every pending reply with e, and aborts the connection. */
    private void lost(SymscoreException e, WebSocket w) {
        fail(e);
        abort(w);
    }

    /**
     * Aborts the connection, which then has ended: no close handshake will come, so that
     * {@link #close} does not wait for one.
     */
    private void abort(WebSocket w) {
        w.abort();
        closed.complete(-1);
    }

    /** Marks the session failed and fails every reply still pending. */
    private void fail(SymscoreException e) {
        List<CompletableFuture<Reply>> drained;
        synchronized (lock) {
            if (failure == null) {
                failure = e;
            }
            drained = new ArrayList<>(pending);
            pending.clear();
        }
        for (CompletableFuture<Reply> f : drained) {
            f.completeExceptionally(e);
        }
    }

    private void deliver(String text) {
        CompletableFuture<Reply> f;
        synchronized (lock) {
            f = pending.pollFirst();
        }
        if (f == null) {
            fail(new SymscoreException("reply received with no message in flight", 0, -1, null));
            abort(ws);
            return;
        }
        Reply r;
        try {
            r = Reply.parse(text);
        } catch (SymscoreException e) {
            f.completeExceptionally(e);
            return;
        }
        if (r.isSuccess()) {
            f.complete(r);
        } else {
            f.completeExceptionally(new SymscoreException(r));
        }
    }

    /** Receives frames; the WebSocket invokes it one call at a time. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();
        private final int maxReplyChars;

        Listener(int maxReplyChars) {
            this.maxReplyChars = maxReplyChars;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            heard();
            if (buf.length() + data.length() > maxReplyChars) {
                buf.setLength(0);
                fail(new SymscoreException("reply longer than " + maxReplyChars + " characters", 0, -1, null));
                abort(webSocket);
                return null;
            }
            buf.append(data);
            webSocket.request(1);
            if (last) {
                String text = buf.toString();
                buf.setLength(0);
                deliver(text);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            heard();
            webSocket.request(1);
            return null; // the JDK answers with a pong
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            heard();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            fail(new SymscoreException("unexpected binary frame from server", 0, -1, null));
            abort(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            String why = reason == null || reason.isEmpty() ? "" : " (" + reason + ")";
            fail(new SymscoreException("connection closed by server with status " + statusCode + why,
                    0, statusCode, null));
            closed.complete(statusCode);
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail(new SymscoreException("connection failed: " + error, 0, -1, error));
            closed.complete(-1);
        }
    }
}
