package io.symscore.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A symscore client for one customer: the REST control plane (signed requests, docs/protocol.md 2),
 * WebSocket {@link Session}s for learn, forget and predict, and bulk uploads
 * ({@link #upload}, docs/uploads.md).
 *
 * <p>Every REST method returns when the server has answered; a reply whose status is not OK,
 * CREATED or ACCEPTED is thrown as a {@link SymscoreException}, as are transport failures.
 * {@link #build} submits a build job and polls it until it finishes. Safe for concurrent use;
 * one client (one HTTP client, one {@link Signer}) per customer per process is the intended use.
 */
public final class SymscoreClient {
    private final String scheme;
    private final String authority;
    private final String basePath;
    private final Signer signer;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration jobTimeout;
    private final boolean sessionFrames;
    private final int maxReplyChars;
    private final LongSupplier ticker;

    private SymscoreClient(Builder b) {
        URI u = URI.create(b.url);
        String sch = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
        if (!sch.equals("http") && !sch.equals("https")) {
            throw new IllegalArgumentException("url must start with http:// or https://: " + b.url);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("url has no host: " + b.url);
        }
        this.scheme = sch;
        this.authority = authority(sch, u);
        String p = u.getRawPath() == null ? "" : u.getRawPath();
        this.basePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.signer = new Signer(b.cid, b.secret, b.clock);
        this.requestTimeout = b.requestTimeout;
        this.jobTimeout = b.jobTimeout;
        this.sessionFrames = b.sessionFrames;
        this.maxReplyChars = b.maxReplyChars;
        this.ticker = b.ticker;
        HttpClient.Builder hb = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout);
        if (b.sslContext != null) {
            hb.sslContext(b.sslContext);
        }
        this.http = hb.build();
    }

    /** A client of another host of the same service (see {@link #at}): c's all but where it goes. */
    private SymscoreClient(SymscoreClient c, String scheme, String authority) {
        this.scheme = scheme;
        this.authority = authority;
        this.basePath = "";
        this.signer = c.signer;
        this.http = c.http;
        this.requestTimeout = c.requestTimeout;
        this.jobTimeout = c.jobTimeout;
        this.sessionFrames = c.sessionFrames;
        this.maxReplyChars = c.maxReplyChars;
        this.ticker = c.ticker;
    }

    /** host[:port] of {@code u}, without the port when it is the default of {@code scheme} (http or https). */
    private static String authority(String scheme, URI u) {
        int port = u.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return defaultPort ? u.getHost() : u.getHost() + ":" + port;
    }

    /**
     * A client of the cluster node at {@code nodeUrl}, with this client's customer, signer,
     * HTTP client (so its TLS settings) and timeouts: {@code nodeUrl} is a scheme ({@code ws},
     * {@code wss}, {@code http} or {@code https}) and a host, as a cluster names the node that
     * holds an upload ({@link Upload.Announced#node}, {@link UploadStatus#node}). Its REST
     * requests go to that host, at the root, over http (ws, http) or https (wss, https), its
     * sessions over ws or wss, each signed for the URL it dials. Null or empty: this client.
     * {@link #upload} follows the node by itself.
     *
     * @throws IllegalArgumentException when {@code nodeUrl} is not a scheme and a host
     */
    public SymscoreClient at(String nodeUrl) {
        if (nodeUrl == null || nodeUrl.isEmpty()) {
            return this;
        }
        URI u = nodeURI(nodeUrl);
        return new SymscoreClient(this, u.getScheme(), authority(u.getScheme(), u));
    }

    /**
     * The http:// or https:// URI of node URL {@code nodeUrl} (see {@link #at}): its host and
     * port, nothing else.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static URI nodeURI(String nodeUrl) {
        URI u;
        try {
            u = new URI(nodeUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("node URL " + Json.toJson(nodeUrl) + ": " + e.getReason(), e);
        }
        String sch = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
        String rest = switch (sch) {
            case "ws", "http" -> "http";
            case "wss", "https" -> "https";
            default -> null;
        };
        if (rest == null) {
            throw new IllegalArgumentException("node URL " + Json.toJson(nodeUrl)
                    + ": want ws://, wss://, http:// or https:// and a host");
        }
        if (u.isOpaque() || u.getHost() == null) {
            throw new IllegalArgumentException("node URL " + Json.toJson(nodeUrl) + " has no host");
        }
        String path = u.getRawPath();
        if (u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
                || (path != null && !path.isEmpty() && !path.equals("/")) || u.getPort() > 65535) {
            throw new IllegalArgumentException("node URL " + Json.toJson(nodeUrl) + ": want a scheme and a host only");
        }
        try {
            return new URI(rest, null, u.getHost(), u.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("node URL " + Json.toJson(nodeUrl) + ": " + e.getReason(), e);
        }
    }

    /**
     * An SSL context that trusts the certificates of the PEM file {@code caFile}, and only them
     * (as {@code curl --cacert} does): for a server whose certificate a private authority signed.
     * Throws IOException when the file cannot be read, IllegalArgumentException when it holds
     * no certificate.
     */
    public static SSLContext trustingCA(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("CA file " + caFile + " holds no PEM certificate");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("CA file " + caFile + " holds no PEM certificate: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an SSL context: " + e, e);
        }
    }

    /** A builder for a client of {@code url} (e.g. {@code http://127.0.0.1:8080}). */
    public static Builder builder(String url, String cid, String secret) {
        return new Builder(url, cid, secret);
    }

    /** The URL this client dials: scheme, host (and port) and base path. */
    String url() {
        return scheme + "://" + authority + basePath;
    }

    /** The REST request timeout, also how long an upload waits for a chunk's reply. */
    Duration requestTimeout() {
        return requestTimeout;
    }

    /** The signer (customer id, secret, dates) this client uses. */
    public Signer signer() {
        return signer;
    }

    // ---- WebSocket ----

    /** Opens a learn session for project {@code pid}. */
    public Session learnSession(String pid) {
        return openSession(Session.Endpoint.LEARN, pid);
    }

    /** Opens a forget session for project {@code pid}. */
    public Session forgetSession(String pid) {
        return openSession(Session.Endpoint.FORGET, pid);
    }

    /** Opens a predict session for model {@code modelId} of project {@code pid}. */
    public Session predictSession(String pid, String modelId) {
        return openSession(Session.Endpoint.PREDICT, pid, modelId);
    }

    /**
     * Opens a connection to send upload {@code uploadId}'s chunks and binds it: the signed
     * first message ({@code {}}) is sent and its reply awaited, so the session is ready for
     * {@link Session#sendBinary} of {@link Upload#chunkMessage}s, each answered with
     * {@code values} {@code position}, {@code length} and {@code received} (docs/uploads.md
     * section 2). A refused binding (unknown upload, bad signature) is thrown and the
     * connection closed.
     */
    public Session uploadSession(String uploadId) {
        Session s = openSession(Session.Endpoint.UPLOAD, uploadId);
        try {
            Session.await(s.send("{}"), requestTimeout);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Opens a session on {@code endpoint} with these extra keys. */
    public Session openSession(Session.Endpoint endpoint, String... extraKeys) {
        String ws = scheme.equals("https") ? "wss" : "ws";
        String url = ws + "://" + authority + basePath + endpoint.path();
        return Session.open(http, signer, URI.create(url), url, Arrays.asList(extraKeys),
                sessionFrames, requestTimeout, maxReplyChars, ticker);
    }

    // ---- REST: uploads (docs/uploads.md) ----

    /**
     * Announces a CSV file of {@code size} bytes called {@code name} for project {@code pid};
     * the server reserves its room at once. {@link #upload} does every step of an upload.
     */
    public Upload.Announced announceUpload(String pid, String name, long size) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pid", pid);
        body.put("name", name);
        body.put("size", size);
        body.put("format", "csv");
        return Upload.Announced.of(call("POST", "/uploads", null, Json.toJson(body)));
    }

    /**
     * What the server says of upload {@code uploadId}: size, received, missing ranges, state.
     * On a cluster, only the node that holds it knows it: ask {@link #at} its node.
     */
    public UploadStatus uploadStatus(String uploadId) {
        return UploadStatus.of(call("GET", "/uploads/" + enc(uploadId), null, null).values());
    }

    /** The customer's uploads, oldest first. */
    public List<UploadStatus> listUploads() {
        Object list = call("GET", "/uploads", null, null).values().get("uploads");
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List)) {
            throw new SymscoreException("values.uploads is not an array", 0, -1, null);
        }
        List<UploadStatus> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            if (!(o instanceof Map)) {
                throw new SymscoreException("values.uploads holds a non-object", 0, -1, null);
            }
            out.add(UploadStatus.of(Upload.castMap(o)));
        }
        return List.copyOf(out);
    }

    /**
     * Discards upload {@code uploadId} and its file (CONFLICT while it is being finalized). On
     * a cluster, only the node that holds it can: ask {@link #at} its node.
     */
    public Reply deleteUpload(String uploadId) {
        return call("DELETE", "/uploads/" + enc(uploadId), null, null);
    }

    /**
     * Starts the job that learns ({@code forget}: forgets) the whole file of upload
     * {@code uploadId} as one change, and returns the job's Location for {@link #jobStatus}.
     * {@code types}: one type code per column ("C,C,T,B"), or null to let the server infer
     * them; {@code errorHandling} 0 fails at the first bad cell, 1 skips bad rows. An
     * incomplete upload is refused with CONFLICT and {@code values.missing}. On a cluster, only
     * the node that holds it can: ask {@link #at} its node.
     */
    public String finalizeUpload(String uploadId, boolean forget, String types, int errorHandling) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("op", forget ? "forget" : "learn");
        if (types != null && !types.isEmpty()) {
            body.put("types", types);
        }
        body.put("errorHandling", errorHandling);
        Reply r = call("POST", "/uploads/" + enc(uploadId) + "/finalize", null, Json.toJson(body));
        return jobLocation(r, "finalize");
    }

    /**
     * Learns (or, with {@link UploadOptions.Builder#forget}, forgets) the CSV file at
     * {@code path} into project {@code pid} as one change: announces it (or resumes the
     * upload {@link UploadOptions.Builder#resume} names, sending only what it misses), sends
     * it in chunks over several connections, finalizes it and waits for the job. On a cluster,
     * every step after the announce goes to the node the announce names (a resume: to
     * {@link UploadOptions.Builder#node}), past a load balancer at this client's URL. See
     * {@link Upload} for the steps and {@link UploadException} for what a failure means.
     *
     * @throws IOException when the file cannot be read before anything was announced
     * @throws IllegalArgumentException when the file is empty
     * @throws UploadException when the upload failed: resume it, or finalize it again
     */
    public UploadResult upload(Path path, String pid, UploadOptions options) throws IOException {
        return Upload.run(this, path, pid, options == null ? UploadOptions.defaults() : options);
    }

    // ---- REST: projects ----

    /** Creates project {@code pid} of {@code type} ("cpu" or "partition") with parameters. */
    public Reply createProject(String pid, String type, Map<String, String> params) {
        String q = "pid=" + enc(pid) + "&type=" + enc(type);
        return call("POST", "/projects", q, Json.toJson(params == null ? Map.of() : params));
    }

    /** Deletes project {@code pid} and its models. */
    public Reply deleteProject(String pid) {
        return call("DELETE", "/projects/" + enc(pid), null, null);
    }

    /** The customer's project ids. */
    public List<String> listProjects() {
        return call("GET", "/projects/list", null, null).stringList();
    }

    /** {@code values.smlInfo} of project {@code pid}. */
    public Map<String, Object> projectInfo(String pid) {
        return call("GET", "/projects/" + enc(pid) + "/info", null, null).object("smlInfo");
    }

    /** Learns a DataFrame over REST. */
    public Reply learn(String pid, DataFrame df) {
        return call("POST", "/projects/" + enc(pid) + "/learn", null, df.toJson());
    }

    /** Forgets a DataFrame over REST. */
    public Reply forget(String pid, DataFrame df) {
        return call("POST", "/projects/" + enc(pid) + "/forget", null, df.toJson());
    }

    /** Freezes (refuses learn and forget) or unfreezes project {@code pid}. */
    public Reply freeze(String pid, boolean frozen) {
        return call("GET", "/projects/" + enc(pid) + (frozen ? "/freeze" : "/unfreeze"), null, null);
    }

    /** Folds project {@code other}'s statistics into project {@code pid}. */
    public Reply merge(String pid, String other) {
        return call("GET", "/projects/" + enc(pid) + "/merge", "otherProjectName=" + enc(other), null);
    }

    // ---- REST: models ----

    /**
     * Builds model {@code modelId} with {@code algo} and waits for the build job to finish.
     * Returns the finished job's reply; a failed build is thrown with its status and reason.
     * A model id the project has already is refused (status 409, CONFLICT): see
     * {@link #build(String, String, String, MLContext, boolean)} to replace it.
     */
    public Reply build(String pid, String algo, String modelId, MLContext ctx) {
        return build(pid, algo, modelId, ctx, false);
    }

    /**
     * {@link #build(String, String, String, MLContext)}, replacing a model of the same id when
     * {@code replace} ({@code replace=true}).
     */
    public Reply build(String pid, String algo, String modelId, MLContext ctx, boolean replace) {
        String q = "algo=" + enc(algo) + "&modelid=" + enc(modelId) + (replace ? "&replace=true" : "");
        Reply r = call("POST", "/projects/" + enc(pid) + "/build", q, ctx.toJson());
        if (r.httpCode() != 202) {
            return r; // built synchronously
        }
        return awaitJob(jobLocation(r, "build"));
    }

    /** The job path of an accepted ({@code 202}) reply: its Location, else from sym-job-id. */
    private String jobLocation(Reply r, String what) {
        String loc = r.header("Location");
        if (loc == null) {
            String id = r.header("sym-job-id");
            if (id == null) {
                throw new SymscoreException(what + " accepted without Location or sym-job-id", r.httpCode(), -1, null);
            }
            loc = restPath("/jobs/" + enc(id));
        }
        return loc;
    }

    /**
     * A job's state, asked once ({@code Location} path or URL, as {@link #finalizeUpload}
     * returns): running (with a finalize's progress) or finished (with a finalize's rows). A
     * failed job is thrown as its status, e.g. BAD_REQUEST with the bad cell's line and column
     * in its statusString.
     */
    public JobStatus jobStatus(String location) {
        URI u = URI.create(location);
        return JobStatus.of(send("GET", u.getRawPath(), u.getRawQuery(), null));
    }

    /** Polls a job ({@code Location} path or URL) until it is no longer running. */
    public Reply awaitJob(String location) {
        URI u = URI.create(location);
        String path = u.getRawPath();
        String query = u.getRawQuery();
        long deadline = System.nanoTime() + jobTimeout.toNanos();
        long sleepMs = 1;
        while (true) {
            Reply r = send("GET", path, query, null);
            if (r.httpCode() != 202) {
                return r;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new SymscoreException("job " + location + " still running after " + jobTimeout, 202, -1, null);
            }
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SymscoreException("interrupted while waiting for job " + location, 0, -1, e);
            }
            sleepMs = Math.min(sleepMs * 2, 100);
        }
    }

    /** {@code values.modelInfo} of a model. */
    public Map<String, Object> modelInfo(String pid, String modelId) {
        return call("GET", "/projects/" + enc(pid) + "/models/" + enc(modelId), null, null).object("modelInfo");
    }

    /** Deletes a model. */
    public Reply deleteModel(String pid, String modelId) {
        return call("DELETE", "/projects/" + enc(pid) + "/models/" + enc(modelId), null, null);
    }

    /** Scores every row of {@code df} over REST: one map per row (KSVSMap). */
    public List<Map<String, String>> predict(String pid, String modelId, DataFrame df, boolean impute) {
        return call("POST", "/projects/" + enc(pid) + "/predict/" + enc(modelId),
                impute ? "impute=true" : null, df.toJson()).predictions();
    }

    /** Explores with {@code metric} (uni, bi, anova, ...): one map per MLContext (KSVDMap). */
    public List<Map<String, Double>> explore(String pid, String metric, List<MLContext> ctxs) {
        List<Object> vals = new ArrayList<>(ctxs.size());
        for (MLContext c : ctxs) {
            vals.add(c.toMap());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("values", vals);
        return call("POST", "/projects/" + enc(pid) + "/explore", "metric=" + enc(metric),
                Json.toJson(body)).statistics();
    }

    // ---- REST: plumbing ----

    /**
     * Sends one signed REST request to {@code /symetry/rest/{cid}<path>}; {@code rawQuery} is
     * the already encoded query (or null), {@code body} the JSON body (or null).
     */
    public Reply call(String method, String path, String rawQuery, String body) {
        return send(method, restPath(path), rawQuery, body);
    }

    private String restPath(String path) {
        return basePath + "/symetry/rest/" + enc(signer.cid()) + path;
    }

    private Reply send(String method, String resource, String rawQuery, String body) {
        Signer.RestHeaders h = signer.signRest(method, resource, rawQuery, body);
        String url = scheme + "://" + authority + resource
                + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url))
                .timeout(requestTimeout)
                .header("Authorization", h.signature)
                .header("sym-date", h.date)
                .header("Content-MD5", h.contentMD5)
                .header("Content-Type", "application/json")
                .header("sym-client", "symscore-java")
                .method(method, body == null || body.isEmpty()
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> resp;
        try {
            resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SymscoreException(method + " " + resource + ": " + describe(e), 0, -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SymscoreException("interrupted: " + method + " " + resource, 0, -1, e);
        }
        int code = resp.statusCode();
        Reply r;
        try {
            r = Reply.parse(resp.body(), code, resp.headers().map());
        } catch (SymscoreException e) {
            String b = resp.body();
            String cut = b.length() > 200 ? b.substring(0, 200) + "..." : b;
            throw new SymscoreException(method + " " + resource + ": HTTP " + code + ", "
                    + e.getMessage() + ": " + cut, code, -1, e);
        }
        if (!r.isSuccess()) {
            throw new SymscoreException(r);
        }
        return r;
    }

    /** The exception's class and the first message found along its causes. */
    static String describe(Throwable e) {
        String msg = null;
        for (Throwable t = e; t != null && msg == null; t = t.getCause()) {
            msg = t.getMessage();
        }
        return e.getClass().getSimpleName() + (msg == null ? "" : " (" + msg + ")");
    }

    /**
     * Percent-encodes one path segment or query value: every byte except the RFC 3986
     * unreserved characters ({@code A-Z a-z 0-9 - . _ ~}).
     */
    public static String enc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 15));
            }
        }
        return b.toString();
    }

    /** Options of a {@link SymscoreClient}. */
    public static final class Builder {
        private final String url;
        private final String cid;
        private final String secret;
        private boolean sessionFrames;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration jobTimeout = Duration.ofMinutes(5);
        private LongSupplier clock = Signer::systemNanos;
        private LongSupplier ticker = System::nanoTime;
        private int maxReplyChars = 64 << 20;
        private SSLContext sslContext;

        private Builder(String url, String cid, String secret) {
            this.url = url;
            this.cid = cid;
            this.secret = secret;
        }

        /**
         * When true, WebSocket sessions sign only their first message and send later ones as
         * bare payloads (faster; refused by servers that require every frame signed). Default
         * false: every message is signed.
         */
        public Builder sessionFrames(boolean on) {
            this.sessionFrames = on;
            return this;
        }

        /** TCP connect timeout (default 10 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** REST request timeout, WebSocket handshake timeout and close wait (default 30 s). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        /** How long {@link SymscoreClient#build} waits for a build job (default 5 min). */
        public Builder jobTimeout(Duration d) {
            this.jobTimeout = d;
            return this;
        }

        /** Clock for message dates, nanoseconds since the Unix epoch (default: system clock). */
        public Builder clock(LongSupplier nanos) {
            this.clock = nanos;
            return this;
        }

        /**
         * The SSL context of https:// and wss:// connections, e.g. one that trusts a private
         * authority ({@link SymscoreClient#trustingCA}). Default: the JDK's, which trusts its
         * own roots.
         */
        public Builder sslContext(SSLContext ctx) {
            this.sslContext = ctx;
            return this;
        }

        /**
         * Trusts the certificates of the PEM file {@code caFile}, and only them, for https:// and
         * wss:// ({@link SymscoreClient#trustingCA}). Throws UncheckedIOException when it cannot
         * be read, IllegalArgumentException when it holds no certificate.
         */
        public Builder caFile(Path caFile) {
            try {
                this.sslContext = trustingCA(caFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
            }
            return this;
        }

        /** Longest WebSocket reply accepted, in characters (default 64 Mi). */
        public Builder maxReplyChars(int n) {
            this.maxReplyChars = n;
            return this;
        }

        /**
         * The monotonic clock (nanoseconds, as {@link System#nanoTime}) sessions measure a
         * connection's silence with; package-private, for tests that move it by hand instead of
         * waiting out a request timeout. Default: {@link System#nanoTime}.
         */
        Builder ticker(LongSupplier nanos) {
            this.ticker = nanos;
            return this;
        }

        /** The client. */
        public SymscoreClient build() {
            return new SymscoreClient(this);
        }
    }
}
