package io.symscore.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tests of the upload pieces that need no server (chunk messages, cutting ranges, options,
 * reading status and job replies, the exception's cell position) and of upload sessions
 * against {@link MockWsServer}.
 */
public final class UploadTest {
    private static final String CID = "c1";
    private static final String SECRET = SignerTest.SECRET;

    private UploadTest() {
    }

    public static void main(String[] args) {
        run();
        Check.exit("UploadTest");
    }

    static UploadStatus.ByteRange range(long from, long to) {
        return new UploadStatus.ByteRange(from, to);
    }

    static void run() {
        Check.group("chunk message", UploadTest::chunkMessage);
        Check.group("cut", UploadTest::cut);
        Check.group("options", UploadTest::options);
        Check.group("status", UploadTest::status);
        Check.group("job", UploadTest::job);
        Check.group("exception", UploadTest::exception);
        Check.group("session", UploadTest::session);
        Check.group("upload", UploadTest::upload);
        Check.group("node", UploadTest::node);
        Check.group("cluster upload", UploadTest::clusterUpload);
    }

    static void chunkMessage() {
        ByteBuffer b = Upload.chunkMessage(0x0102030405060708L, "abc".getBytes(StandardCharsets.US_ASCII));
        byte[] got = new byte[b.remaining()];
        b.get(got);
        Check.eq("big-endian position then bytes",
                Arrays.toString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 'a', 'b', 'c'}), Arrays.toString(got));
        ByteBuffer zero = Upload.chunkMessage(0, new byte[] {9});
        Check.eq("position 0", 9, zero.remaining());
        Check.eq("position 0 bytes", 0L, zero.getLong());
        Check.eq("position 0 byte", (byte) 9, zero.get());
        ByteBuffer top = Upload.chunkMessage(Long.MAX_VALUE - 1, new byte[] {1});
        Check.eq("largest position", Long.MAX_VALUE - 1, top.getLong());
        Check.raises("empty chunk", IllegalArgumentException.class, () -> Upload.chunkMessage(0, new byte[0]));
        Check.raises("negative position", IllegalArgumentException.class, () -> Upload.chunkMessage(-1, new byte[1]));
        Check.raises("past the largest position", IllegalArgumentException.class,
                () -> Upload.chunkMessage(Long.MAX_VALUE, new byte[1]));
    }

    static void cut() {
        Check.eq("ranges cut into chunks, the last of each shorter",
                List.of(range(0, 4), range(4, 8), range(8, 10), range(20, 24), range(24, 25)),
                Upload.cut(List.of(range(0, 10), range(20, 25)), 4));
        Check.eq("a range shorter than a chunk", List.of(range(5, 7)), Upload.cut(List.of(range(5, 7)), 1 << 20));
        Check.eq("exact multiple", List.of(range(0, 3), range(3, 6)), Upload.cut(List.of(range(0, 6)), 3));
        Check.eq("chunk of one byte", 4, Upload.cut(List.of(range(10, 14)), 1).size());
        Check.eq("nothing missing", List.of(), Upload.cut(List.of(), 4));
        List<UploadStatus.ByteRange> big = Upload.cut(List.of(range(0, 10L << 30)), UploadOptions.MAX_CHUNK_SIZE);
        Check.eq("10 GiB in 256 MiB chunks", 40, big.size());
        long covered = 0;
        for (UploadStatus.ByteRange r : big) {
            covered += r.length();
        }
        Check.eq("chunks cover the range", 10L << 30, covered);
        Check.raises("chunk size 0", IllegalArgumentException.class, () -> Upload.cut(List.of(range(0, 1)), 0));
        Check.raises("empty range", IllegalArgumentException.class, () -> Upload.cut(List.of(range(3, 3)), 4));
        Check.raises("backwards range", IllegalArgumentException.class, () -> Upload.cut(List.of(range(5, 3)), 4));
        Check.raises("negative range", IllegalArgumentException.class, () -> Upload.cut(List.of(range(-1, 3)), 4));
    }

    static void options() {
        UploadOptions d = UploadOptions.defaults();
        Check.eq("default connections", 3, d.connections);
        Check.eq("default window", 4, d.window);
        Check.eq("default chunk", 1 << 20, d.chunkSize);
        Check.eq("default learn", false, d.forget);
        Check.eq("default types inferred", null, d.types);
        Check.eq("default error handling", 0, d.errorHandling);
        Check.eq("default new upload", null, d.resume);
        Check.eq("default node: the client's URL", null, d.node);
        UploadOptions o = UploadOptions.builder().forget(true).types("C,C,T,B").errorHandling(1).resume("ID")
                .name("x.csv").connections(64).window(256).chunkSize(UploadOptions.MAX_CHUNK_SIZE)
                .jobPoll(Duration.ofMillis(10)).build();
        Check.eq("set", "true C,C,T,B 1 ID x.csv 64 256 " + UploadOptions.MAX_CHUNK_SIZE + " PT0.01S",
                o.forget + " " + o.types + " " + o.errorHandling + " " + o.resume + " " + o.name + " "
                        + o.connections + " " + o.window + " " + o.chunkSize + " " + o.jobPoll);
        UploadOptions.Builder b = UploadOptions.builder();
        Check.raises("connections 0", IllegalArgumentException.class, () -> b.connections(0));
        Check.raises("connections 65", IllegalArgumentException.class, () -> b.connections(65));
        Check.raises("window 0", IllegalArgumentException.class, () -> b.window(0));
        Check.raises("window 257", IllegalArgumentException.class, () -> b.window(257));
        Check.raises("chunk 0", IllegalArgumentException.class, () -> b.chunkSize(0));
        Check.raises("chunk negative", IllegalArgumentException.class, () -> b.chunkSize(-1));
        Check.raises("chunk too large", IllegalArgumentException.class, () -> b.chunkSize(UploadOptions.MAX_CHUNK_SIZE + 1));
        Check.raises("errorHandling 2", IllegalArgumentException.class, () -> b.errorHandling(2));
        Check.raises("errorHandling -1", IllegalArgumentException.class, () -> b.errorHandling(-1));
        for (String bad : new String[] {"", "C,", ",C", "C,,B", "c", "CC", "C B", "C;B", "C,B\n"}) {
            Check.raises("types " + Json.toJson(bad), IllegalArgumentException.class, () -> b.types(bad));
        }
        Check.raises("resume empty", IllegalArgumentException.class, () -> b.resume(""));
        Check.raises("name empty", IllegalArgumentException.class, () -> b.name(""));
        Check.raises("job poll 5ms", IllegalArgumentException.class, () -> b.jobPoll(Duration.ofMillis(5)));
        Check.raises("job poll null", IllegalArgumentException.class, () -> b.jobPoll(null));
        Check.eq("a refused value changes nothing", 3, b.build().connections);
        Check.eq("node", "wss://node-a:8443", UploadOptions.builder().resume("ID").node("wss://node-a:8443").build().node);
        Check.eq("empty node: the client's URL", null, UploadOptions.builder().resume("ID").node("").build().node);
        Check.eq("null node: the client's URL", null, UploadOptions.builder().resume("ID").node(null).build().node);
        for (String bad : new String[] {"ftp://node-a", "ws://node-a/x", "node-a:8080", "ws://"}) {
            Check.raises("node " + bad, IllegalArgumentException.class, () -> b.node(bad));
        }
        Check.eq("a refused node changes nothing", null, b.build().node);
        IllegalArgumentException lone = Check.raises("node without resume", IllegalArgumentException.class,
                () -> UploadOptions.builder().node("ws://node-a:8080").build());
        Check.ok("node without resume: says so", lone != null && lone.getMessage().contains("set resume too"),
                String.valueOf(lone));
    }

    static Map<String, Object> statusValues(String missing) {
        return Upload.castMap(Json.parse("{\"uploadId\":\"U1\",\"pid\":\"p\",\"name\":\"f.csv\",\"size\":100,"
                + "\"received\":60,\"complete\":false,\"missing\":" + missing + ",\"state\":\"receiving\","
                + "\"expires\":\"2026-12-05T00:00:00Z\",\"job\":\"\"}"));
    }

    static void status() {
        UploadStatus st = UploadStatus.of(statusValues("[[0,10],[70,100]]"));
        Check.eq("status", "U1 p f.csv 100 60 false receiving",
                st.uploadId() + " " + st.pid() + " " + st.name() + " " + st.size() + " " + st.received() + " "
                        + st.complete() + " " + st.state());
        Check.eq("missing", List.of(range(0, 10), range(70, 100)), st.missing());
        Check.eq("rows before done", 0L, st.rowsApplied());
        for (String bad : new String[] {"[[10,10]]", "[[20,10]]", "[[-1,10]]", "[[0,101]]", "[[0]]", "[[0,1,2]]",
            "[[\"0\",\"10\"]]", "[[0.5,10]]", "[0,10]", "{}", "\"0-10\""}) {
            Check.raises("missing " + bad, SymscoreException.class, () -> UploadStatus.of(statusValues(bad)));
        }
        Map<String, Object> v = new LinkedHashMap<>(statusValues("[]"));
        v.put("complete", "yes");
        Check.raises("complete not a boolean", SymscoreException.class, () -> UploadStatus.of(v));
        Map<String, Object> noId = new LinkedHashMap<>(statusValues("[]"));
        noId.remove("uploadId");
        Check.raises("no uploadId", SymscoreException.class, () -> UploadStatus.of(noId));
        Map<String, Object> size = new LinkedHashMap<>(statusValues("[]"));
        size.put("size", 1.5);
        Check.raises("size not whole", SymscoreException.class, () -> UploadStatus.of(size));
        Reply a = Reply.parse("{\"statusCode\":\"CREATED\",\"statusString\":\"Created\",\"values\":"
                + "{\"uploadId\":\"U2\",\"chunkSize\":131072,\"expires\":\"2026-12-05T00:00:00Z\"}}");
        Check.eq("announced", new Upload.Announced("U2", 131072, "2026-12-05T00:00:00Z", "", ""), Upload.Announced.of(a));
        Reply an = Reply.parse("{\"statusCode\":\"CREATED\",\"statusString\":\"Created\",\"values\":"
                + "{\"uploadId\":\"U2\",\"chunkSize\":131072,\"node\":\"ws://10.0.0.7:8080\",\"nodeId\":\"a\"}}");
        Check.eq("announced on a node", new Upload.Announced("U2", 131072, "", "ws://10.0.0.7:8080", "a"),
                Upload.Announced.of(an));
        Check.raises("announced node not a string", SymscoreException.class, () -> Upload.Announced.of(
                Reply.parse("{\"statusCode\":\"CREATED\",\"statusString\":\"\",\"values\":{\"uploadId\":\"U\",\"node\":7}}")));
        Check.eq("status names no node", " ", st.node() + " " + st.nodeId());
        Map<String, Object> onNode = new LinkedHashMap<>(statusValues("[]"));
        onNode.put("node", "wss://node-b");
        onNode.put("nodeId", "b");
        UploadStatus sn = UploadStatus.of(onNode);
        Check.eq("status on a node", "wss://node-b b", sn.node() + " " + sn.nodeId());
        onNode.put("node", List.of());
        Check.raises("status node not a string", SymscoreException.class, () -> UploadStatus.of(onNode));
        Check.raises("announced without id", SymscoreException.class, () -> Upload.Announced.of(
                Reply.parse("{\"statusCode\":\"CREATED\",\"statusString\":\"Created\",\"values\":{}}")));
    }

    static void job() {
        JobStatus running = JobStatus.of(Reply.parse("{\"statusCode\":\"ACCEPTED\",\"statusString\":\"Job still running\","
                + "\"values\":{\"progress\":{\"bytes\":500,\"rows\":12,\"fraction\":0.25,\"phase\":\"learning\"}}}"));
        Check.eq("running", new JobStatus(true, 500, 12, 0.25, "learning", 0, 0), running);
        JobStatus done = JobStatus.of(Reply.parse("{\"statusCode\":\"OK\",\"statusString\":\"Job is finished\","
                + "\"values\":{\"rowsApplied\":299,\"rowsSkipped\":1}}"));
        Check.eq("done", new JobStatus(false, 0, 0, 1.0, "", 299, 1), done);
        JobStatus clamped = JobStatus.of(Reply.parse("{\"statusCode\":\"ACCEPTED\",\"statusString\":\"\","
                + "\"values\":{\"progress\":{\"fraction\":7}}}"));
        Check.eq("fraction kept within 0 to 1", 1.0, clamped.fraction());
        Check.raises("progress not an object", SymscoreException.class, () -> JobStatus.of(Reply.parse(
                "{\"statusCode\":\"ACCEPTED\",\"statusString\":\"\",\"values\":{\"progress\":[]}}")));
        Check.raises("rows not a number", SymscoreException.class, () -> JobStatus.of(Reply.parse(
                "{\"statusCode\":\"OK\",\"statusString\":\"\",\"values\":{\"rowsApplied\":\"1\"}}")));
        UploadProgress p = new UploadProgress("sending", "U", 25, 100, null);
        Check.eq("sending fraction", 0.25, p.fraction());
        Check.eq("learning fraction", 0.25, new UploadProgress("learning", "U", 100, 100, running).fraction());
    }

    static SymscoreException jobError(String msg) {
        return new SymscoreException(Reply.parse("{\"statusCode\":\"BAD_REQUEST\",\"statusString\":"
                + Json.toJson(msg) + ",\"values\":{}}"));
    }

    static void exception() {
        UploadException e = new UploadException("upload U: x", "U", true,
                jobError("bad.csv:125:1: column \"x\": \"oops\" is not a number"));
        Check.eq("cell", "U true 125 1 x BAD_REQUEST 400",
                e.uploadId() + " " + e.finalizing() + " " + e.line() + " " + e.field() + " " + e.column() + " "
                        + e.status() + " " + e.httpCode());
        UploadException q = new UploadException("m", "U", true,
                jobError("a:b.csv:7:3: column \"say \\\"hi\\\"\": \"x\" is not a number"));
        Check.eq("a name with a colon, a column with quotes", "7 3 say \"hi\"", q.line() + " " + q.field() + " " + q.column());
        UploadException none = new UploadException("m", "U", true, jobError("project p is frozen"));
        Check.eq("no cell", "-1 -1 null", none.line() + " " + none.field() + " " + none.column());
        UploadException io = new UploadException("m", null, false, new java.io.IOException("gone"));
        Check.eq("no reply", "null false null 0 -1 null", io.uploadId() + " " + io.finalizing() + " " + io.status()
                + " " + io.httpCode() + " " + io.line() + " " + io.node());
        Check.eq("node", "ws://10.0.0.7:8080", new UploadException("m", "U", "ws://10.0.0.7:8080", false, null).node());
        Check.eq("no node named", null, new UploadException("m", "U", "", false, null).node());
    }

    /** Chunks over an upload session: bound by a signed first message, then pipelined binary chunks. */
    static void session() throws Exception {
        try (MockWsServer m = new MockWsServer(CID, SECRET)) {
            m.uploadSize = 100;
            SymscoreClient c = SessionTest.client(m, SECRET, false);
            try (Session s = c.uploadSession("U1")) {
                Check.eq("bound with its upload id", List.of("U1"), s.extraKeys());
                Check.ok("upload endpoint", s.serviceURL().endsWith("/symetry/ws/upload"), s.serviceURL());
                byte[] file = new byte[100];
                for (int i = 0; i < file.length; i++) {
                    file[i] = (byte) (i * 7);
                }
                List<CompletableFuture<Reply>> fs = new ArrayList<>();
                List<UploadStatus.ByteRange> chunks = Upload.cut(List.of(range(0, 100)), 30);
                for (UploadStatus.ByteRange r : chunks) {
                    fs.add(s.sendBinary(Upload.chunkMessage(r.from(), Arrays.copyOfRange(file, (int) r.from(), (int) r.to()))));
                }
                for (int i = 0; i < fs.size(); i++) {
                    Reply r = Session.await(fs.get(i), Duration.ofSeconds(10));
                    Check.eq("reply " + i + " in order", chunks.get(i).from() + " " + chunks.get(i).length(),
                            r.number("position") + " " + r.number("length"));
                }
                Check.eq("received", 100L, Session.await(fs.get(fs.size() - 1), Duration.ofSeconds(1)).number("received"));
                boolean same = true;
                for (int i = 0; i < file.length; i++) {
                    same &= m.chunks.get((long) i) == file[i];
                }
                Check.ok("the server holds the file's bytes", same);
                SymscoreException past = SessionTest.failure("chunk past the size",
                        s.sendBinary(Upload.chunkMessage(95, new byte[10])));
                Check.eq("past the size refused", "BAD_REQUEST", past == null ? null : past.status());
                Check.ok("a refused chunk leaves the session usable", s.isOpen());
                Check.eq("still usable", 1L, Session.await(s.sendBinary(Upload.chunkMessage(99, new byte[] {file[99]})),
                        Duration.ofSeconds(10)).number("length"));
            }
            Check.eq("one signed message, no problem", "1 []", m.framed.get() + " " + m.problems);
            try (Session raw = c.openSession(Session.Endpoint.UPLOAD, "U2")) {
                SymscoreException early = SessionTest.failure("binary before the signed message",
                        raw.sendBinary(Upload.chunkMessage(0, new byte[1])));
                Check.ok("refused by the client", early != null && early.status() == null
                        && early.getMessage().contains("before the signed first message"), String.valueOf(early));
                Check.ok("nothing sent", m.problems.isEmpty(), m.problems.toString());
            }
            m.dropAfter = 3; // the signed message and one chunk answered, then the connection ends
            Session s = SessionTest.client(m, SECRET, false, Duration.ofSeconds(2)).uploadSession("U3");
            Check.eq("first chunk answered", 1L, Session.await(s.sendBinary(Upload.chunkMessage(0, new byte[] {1})),
                    Duration.ofSeconds(10)).number("length"));
            List<CompletableFuture<Reply>> fs = new ArrayList<>();
            for (int i = 1; i < 5; i++) {
                fs.add(s.sendBinary(Upload.chunkMessage(i, new byte[] {1})));
            }
            Check.eq("a dropped connection fails every chunk not answered", 4,
                    SessionTest.failedWithin(fs, Duration.ofSeconds(10)));
            Check.ok("session no longer open", !s.isOpen());
            s.close();
        }
    }

    /**
     * The REST side of uploads for {@link MockWsServer}: one upload, U1, of project p, whose
     * bytes are the mock's {@code chunks}; its finalize job J1 runs for one poll, then ends
     * with 7 rows (or fails with {@link #jobError}).
     */
    static final class Uploads implements MockWsServer.Rest {
        private static final String BASE = "/symetry/rest/" + CID;
        final MockWsServer m;
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger polls = new AtomicInteger();
        volatile String state = "receiving";
        volatile String jobError;
        volatile String announced;
        volatile String finalized;
        /** The node named in the announce and status replies, with nodeId "a"; null: none. */
        volatile String node;

        Uploads(MockWsServer m) {
            this.m = m;
            m.rest = this;
        }

        @Override
        public MockWsServer.RestReply handle(String method, String path, String body) {
            calls.add(method + " " + path.substring(Math.min(path.length(), BASE.length())));
            if (method.equals("POST") && path.equals(BASE + "/uploads")) {
                Map<String, Object> b = Upload.castMap(Json.parse(body));
                if (!"p".equals(b.get("pid"))) {
                    return new MockWsServer.RestReply(400, MockWsServer.error("BAD_REQUEST", "no project " + b.get("pid"),
                            Map.of()), null);
                }
                announced = body;
                m.uploadSize = (Long) b.get("size");
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("uploadId", "U1");
                v.put("chunkSize", 65536L);
                v.put("expires", "2026-12-05T00:00:00Z");
                onNode(v);
                return new MockWsServer.RestReply(201, envelope("CREATED", v), null);
            }
            if (method.equals("GET") && path.equals(BASE + "/uploads")) {
                return new MockWsServer.RestReply(200, MockWsServer.ok(Map.of("uploads", List.of(status()))), null);
            }
            if (method.equals("DELETE") && path.equals(BASE + "/uploads/U1")) {
                state = "deleted";
                return new MockWsServer.RestReply(200, MockWsServer.ok(Map.of()), null);
            }
            if (method.equals("GET") && path.equals(BASE + "/uploads/U1")) {
                return new MockWsServer.RestReply(200, MockWsServer.ok(status()), null);
            }
            if (method.equals("POST") && path.equals(BASE + "/uploads/U1/finalize")) {
                if (!missing().isEmpty()) {
                    return new MockWsServer.RestReply(409, MockWsServer.error("CONFLICT", "bytes missing",
                            Map.of("missing", missing())), null);
                }
                finalized = body;
                state = "finalizing";
                polls.set(0);
                return new MockWsServer.RestReply(202, envelope("ACCEPTED", Map.of()), BASE + "/jobs/J1");
            }
            if (method.equals("GET") && path.equals(BASE + "/jobs/J1")) {
                if (polls.incrementAndGet() == 1) {
                    return new MockWsServer.RestReply(202, envelope("ACCEPTED", Map.of("progress",
                            Map.of("bytes", 10L, "rows", 1L, "fraction", 0.5, "phase", "learning"))), null);
                }
                if (jobError != null) {
                    state = "failed";
                    return new MockWsServer.RestReply(400, MockWsServer.error("BAD_REQUEST", jobError, Map.of()), null);
                }
                state = "done";
                return new MockWsServer.RestReply(200, MockWsServer.ok(Map.of("rowsApplied", 7L, "rowsSkipped", 0L)), null);
            }
            return new MockWsServer.RestReply(400, MockWsServer.error("BAD_REQUEST", "cannot find " + path, Map.of()), null);
        }

        private static String envelope(String status, Map<String, Object> values) {
            Map<String, Object> env = new LinkedHashMap<>();
            env.put("statusCode", status);
            env.put("statusString", status);
            env.put("values", values);
            return Json.toJson(env);
        }

        List<Object> missing() {
            List<Object> out = new ArrayList<>();
            long from = -1;
            for (long i = 0; i <= m.uploadSize && out.size() < 100; i++) {
                boolean absent = i < m.uploadSize && !m.chunks.containsKey(i);
                if (absent && from < 0) {
                    from = i;
                } else if (!absent && from >= 0) {
                    out.add(List.of(from, i));
                    from = -1;
                }
            }
            return out;
        }

        Map<String, Object> status() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("uploadId", "U1");
            v.put("pid", "p");
            v.put("name", "data.csv");
            v.put("size", m.uploadSize);
            v.put("received", m.received());
            v.put("complete", m.received() == m.uploadSize);
            v.put("missing", missing());
            v.put("state", state);
            v.put("expires", "2026-12-05T00:00:00Z");
            v.put("job", "");
            onNode(v);
            return v;
        }

        private void onNode(Map<String, Object> v) {
            if (node != null) {
                v.put("node", node);
                v.put("nodeId", "a");
            }
        }
    }

    /**
     * A load balancer's view of a cluster for {@link MockWsServer}: the announce reaches the
     * node {@code holder} (its {@link Uploads}, which names itself), and every other request
     * another node, which answers 400 "cannot find upload" as a node that does not hold it.
     */
    static final class Front implements MockWsServer.Rest {
        final Uploads holder;
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        Front(MockWsServer m, Uploads holder) {
            this.holder = holder;
            m.rest = this;
        }

        @Override
        public MockWsServer.RestReply handle(String method, String path, String body) {
            calls.add(method + " " + path.substring(Math.min(path.length(), Uploads.BASE.length())));
            if (method.equals("POST") && path.equals(Uploads.BASE + "/uploads")) {
                return holder.handle(method, path, body);
            }
            return new MockWsServer.RestReply(400, MockWsServer.error("BAD_REQUEST", "cannot find upload", Map.of()), null);
        }
    }

    /** A file of n bytes that are not all alike. */
    static Path file(int n) throws java.io.IOException {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        Path p = Files.createTempFile("upload", ".csv");
        p.toFile().deleteOnExit();
        return Files.write(p, b);
    }

    static boolean holds(MockWsServer m, Path p) throws java.io.IOException {
        byte[] b = Files.readAllBytes(p);
        if (m.chunks.size() != b.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (m.chunks.get((long) i) != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** The whole of SymscoreClient.upload against the mock: every step, resume, and each failure. */
    static void upload() throws Exception {
        Path data = file(1000);
        try (MockWsServer m = new MockWsServer(CID, SECRET)) {
            Uploads u = new Uploads(m);
            SymscoreClient c = SessionTest.client(m, SECRET, false);
            List<UploadProgress> seen = Collections.synchronizedList(new ArrayList<>());
            UploadResult r = c.upload(data, "p", UploadOptions.builder().chunkSize(64).connections(3).window(2)
                    .types("C,B").errorHandling(1).name("data.csv").jobPoll(Duration.ofMillis(10)).progress(seen::add).build());
            Check.eq("result", new UploadResult("U1", "J1", 7, 0, 1000), r);
            Check.ok("the server holds the file", holds(m, data));
            Check.eq("announced", "{\"pid\":\"p\",\"name\":\"data.csv\",\"size\":1000,\"format\":\"csv\"}", u.announced);
            Check.eq("finalized", "{\"op\":\"learn\",\"types\":\"C,B\",\"errorHandling\":1}", u.finalized);
            Check.eq("no protocol problem", List.of(), m.problems);
            long last = -1;
            boolean increasing = true;
            for (UploadProgress p : seen) {
                if (p.phase().equals("sending")) {
                    increasing &= p.received() > last;
                    last = p.received();
                }
            }
            Check.ok("sending progress only grows", increasing, seen.toString());
            Check.eq("sending ends at the size", 1000L, last);
            UploadProgress end = seen.get(seen.size() - 1);
            Check.eq("learning ends at 1", "learning 1.0 7", end.phase() + " " + end.fraction() + " " + end.job().rowsApplied());
            Check.ok("learning progress seen running", seen.stream().anyMatch(p -> p.job() != null && p.job().running()));
            List<UploadStatus> list = c.listUploads();
            Check.eq("listed", "1 U1 done 1000 true []", list.size() + " " + list.get(0).uploadId() + " "
                    + list.get(0).state() + " " + list.get(0).received() + " " + list.get(0).complete() + " "
                    + list.get(0).missing());
            c.deleteUpload("U1");
            Check.eq("deleted", "deleted", u.state);
            Check.eq("a finalize and job polls, no more", List.of("POST /uploads", "GET /uploads/U1", "GET /uploads/U1",
                    "POST /uploads/U1/finalize", "GET /jobs/J1", "GET /jobs/J1", "GET /uploads", "DELETE /uploads/U1"),
                    u.calls);
        }

        try (MockWsServer m = new MockWsServer(CID, SECRET)) {
            Uploads u = new Uploads(m);
            m.uploadSize = 1000;
            byte[] b = Files.readAllBytes(data);
            for (long i = 0; i < 1000; i++) {
                if (i < 300 || (i >= 500 && i < 600)) {
                    m.chunks.put(i, b[(int) i]);
                }
            }
            SymscoreClient c = SessionTest.client(m, SECRET, false);
            UploadResult r = c.upload(data, "p", UploadOptions.builder().resume("U1").chunkSize(128)
                    .jobPoll(Duration.ofMillis(10)).build());
            Check.eq("resume sends what is missing", 600L, r.sent());
            Check.ok("resumed: the server holds the file", holds(m, data));
            Check.eq("resumed: no announce", false, u.calls.contains("POST /uploads"));
            Check.eq("resume finalizes with the defaults", "{\"op\":\"learn\",\"errorHandling\":0}", u.finalized);
            u.state = "failed";
            u.jobError = "data.csv:3:2: column \"b\": \"x\" is not a boolean";
            UploadException e = Check.raises("a failed job", UploadException.class, () -> c.upload(data, "p",
                    UploadOptions.builder().resume("U1").forget(true).jobPoll(Duration.ofMillis(10)).build()));
            if (e != null) {
                Check.eq("failed job: finalize again, at the cell", "U1 true 3 2 b BAD_REQUEST 0",
                        e.uploadId() + " " + e.finalizing() + " " + e.line() + " " + e.field() + " " + e.column() + " "
                                + e.status() + " " + e.getMessage().indexOf("upload U1: BAD_REQUEST"));
            }
            Check.eq("forget", "{\"op\":\"forget\",\"errorHandling\":0}", u.finalized);
            u.state = "done";
            UploadException done = Check.raises("resume of a done upload", UploadException.class,
                    () -> c.upload(data, "p", UploadOptions.builder().resume("U1").build()));
            Check.ok("done: nothing to resume", done != null && !done.finalizing()
                    && done.getMessage().contains("nothing to resume"), String.valueOf(done));
            u.state = "receiving";
            UploadException other = Check.raises("resume for another project", UploadException.class,
                    () -> c.upload(data, "q", UploadOptions.builder().resume("U1").build()));
            Check.ok("another project", other != null && other.getMessage().contains("for project p, not q"), String.valueOf(other));
            m.uploadSize = 999;
            int calls = u.calls.size();
            UploadException size = Check.raises("resume of another file", UploadException.class,
                    () -> c.upload(data, "p", UploadOptions.builder().resume("U1").build()));
            Check.ok("another file", size != null && !size.finalizing() && "U1".equals(size.uploadId())
                    && size.getMessage().contains("not the same file"), String.valueOf(size));
            Check.eq("another file: only the status asked", List.of("GET /uploads/U1"), u.calls.subList(calls, u.calls.size()));
        }

        try (MockWsServer m = new MockWsServer(CID, SECRET)) {
            new Uploads(m);
            SymscoreClient c = SessionTest.client(m, SECRET, false);
            UploadException e = Check.raises("announce refused", UploadException.class,
                    () -> c.upload(data, "nope", UploadOptions.defaults()));
            Check.ok("announce refused: no upload id, not finalizing", e != null && e.uploadId() == null && !e.finalizing()
                    && "BAD_REQUEST".equals(e.status()), String.valueOf(e));
            m.loseChunks = true;
            UploadException lost = Check.raises("a server that loses chunks", UploadException.class,
                    () -> c.upload(data, "p", UploadOptions.builder().chunkSize(100).build()));
            Check.ok("lost chunks: resume, the loop ends", lost != null && !lost.finalizing() && "U1".equals(lost.uploadId())
                    && lost.getMessage().contains("after a round"), String.valueOf(lost));
            m.loseChunks = false;
            m.ackShift = 1;
            m.chunks.clear();
            UploadException shifted = Check.raises("an acknowledgement of another chunk", UploadException.class,
                    () -> c.upload(data, "p", UploadOptions.builder().chunkSize(100).build()));
            Check.ok("another chunk acknowledged", shifted != null && !shifted.finalizing()
                    && shifted.getMessage().contains("acknowledged as position"), String.valueOf(shifted));
            m.ackShift = 0;
            m.chunks.clear();
            Path changing = file(500);
            UploadException changed = Check.raises("a file changed while sent", UploadException.class,
                    () -> c.upload(changing, "p", UploadOptions.builder().chunkSize(100).connections(1).progress(p -> {
                        try {
                            Files.setLastModifiedTime(changing, FileTime.fromMillis(p.received() * 1000 + 12345));
                        } catch (java.io.IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                    }).build()));
            Check.ok("changed: not finalized", changed != null && !changed.finalizing()
                    && changed.getMessage().contains("changed while it was sent"), String.valueOf(changed));
            Path empty = Files.createTempFile("upload", ".csv");
            empty.toFile().deleteOnExit();
            Check.raises("an empty file", IllegalArgumentException.class, () -> c.upload(empty, "p", null));
            Check.raises("no such file", java.nio.file.NoSuchFileException.class,
                    () -> c.upload(Path.of(empty + ".absent"), "p", null));
        }
    }

    /**
     * Node URLs: a scheme (ws, wss, http, https) and a host give a client of that host at the
     * root over http or https with the same signer; anything else is refused, saying why; an
     * empty one is the client itself. A client of a node signs its sessions for the node's URL.
     */
    static void node() throws Exception {
        SymscoreClient c = SymscoreClient.builder("https://lb.example.com/prefix", CID, SECRET).build();
        Check.ok("empty: the client itself", c.at("") == c && c.at(null) == c);
        String[][] good = {
            {"ws://node-a:8080", "http://node-a:8080"},
            {"wss://node-a", "https://node-a"},
            {"http://10.0.0.7:80", "http://10.0.0.7"},
            {"https://node-b/", "https://node-b"},
            {"wss://node-b:443", "https://node-b"},
            {"wss://node-b:80", "https://node-b:80"},
            {"WS://Node-C:9000", "http://Node-C:9000"},
            {"ws://[::1]:9000", "http://[::1]:9000"},
        };
        for (String[] g : good) {
            SymscoreClient n = c.at(g[0]);
            Check.eq(g[0], g[1], n.url());
            Check.ok(g[0] + ": same signer", n.signer() == c.signer());
        }
        Check.eq("the client unchanged", "https://lb.example.com/prefix", c.url());
        String[][] bad = {
            {"ftp://node-a", "want ws://, wss://, http:// or https://"},
            {"node-a:8080", "want ws://"},
            {"//node-a", "want ws://"},
            {"ws:node-a", "has no host"},
            {"ws://node_a:8080", "has no host"},
            {"ws://", "node URL \"ws://\": "},
            {"ws://node-a/x", "want a scheme and a host only"},
            {"ws://u:p@node-a", "want a scheme and a host only"},
            {"ws://node-a?x=1", "want a scheme and a host only"},
            {"ws://node-a#f", "want a scheme and a host only"},
            {"ws://node-a:70000", "want a scheme and a host only"},
            {"ws://node-a:8080%", "node URL \"ws://node-a:8080%\": "},
            {"ws://node a", "node URL "},
        };
        for (String[] b : bad) {
            IllegalArgumentException e = Check.raises(b[0], IllegalArgumentException.class, () -> c.at(b[0]));
            Check.ok(b[0] + ": says why", e != null && e.getMessage().contains(b[1]), String.valueOf(e));
        }
        try (MockWsServer m = new MockWsServer(CID, SECRET)) {
            SymscoreClient lb = SymscoreClient.builder("http://127.0.0.1:1/behind", CID, SECRET).build();
            try (Session s = lb.at("ws://127.0.0.1:" + m.port()).uploadSession("U1")) {
                Check.eq("a node's session: its URL, signed for it", "ws://127.0.0.1:" + m.port() + "/symetry/ws/upload",
                        s.serviceURL());
            }
            Check.eq("bound with a signature for the node", "1 []", m.framed.get() + " " + m.problems);
        }
    }

    /**
     * Uploads on a cluster behind a load balancer ({@link Front}): the client follows the
     * node the announce names for status, chunks, finalize and the job; a failed upload names
     * the node, and a resume given it goes there; one not given it meets the other node.
     */
    static void clusterUpload() throws Exception {
        Path data = file(1000);
        try (MockWsServer front = new MockWsServer(CID, SECRET); MockWsServer holder = new MockWsServer(CID, SECRET)) {
            Uploads u = new Uploads(holder);
            u.node = "ws://127.0.0.1:" + holder.port();
            Front f = new Front(front, u);
            SymscoreClient c = SessionTest.client(front, SECRET, false);
            UploadResult r = c.upload(data, "p", UploadOptions.builder().chunkSize(64).connections(3).window(2)
                    .jobPoll(Duration.ofMillis(10)).build());
            Check.eq("followed: result", new UploadResult("U1", "J1", 7, 0, 1000), r);
            Check.ok("followed: the node holds the file", holds(holder, data));
            Check.eq("followed: only the announce through the balancer", List.of("POST /uploads"), f.calls);
            Check.eq("followed: no session through the balancer", "0 0", front.framed.get() + " " + front.chunks.size());
            Check.eq("followed: the rest on the node", List.of("POST /uploads", "GET /uploads/U1", "GET /uploads/U1",
                    "POST /uploads/U1/finalize", "GET /jobs/J1", "GET /jobs/J1"), u.calls);
            Check.eq("followed: every signature good", List.of(), holder.problems);
            Check.eq("the status names the node", u.node, c.at(u.node).uploadStatus("U1").node());

            u.calls.clear();
            f.calls.clear();
            u.state = "failed";
            u.jobError = "data.csv:3:2: column \"b\": \"x\" is not a boolean";
            UploadException e = Check.raises("a failed job on the node", UploadException.class,
                    () -> c.upload(data, "p", UploadOptions.builder().resume("U1").node(u.node)
                            .jobPoll(Duration.ofMillis(10)).build()));
            Check.ok("failed: names the upload and its node", e != null && "U1".equals(e.uploadId())
                    && u.node.equals(e.node()) && e.finalizing() && e.line() == 3, String.valueOf(e));
            Check.eq("resumed at the node: nothing through the balancer", List.of(), f.calls);
            u.jobError = null;
            UploadResult again = c.upload(data, "p", UploadOptions.builder().resume("U1").node(e == null ? null : e.node())
                    .errorHandling(1).jobPoll(Duration.ofMillis(10)).build());
            Check.eq("resumed with the node the failure named", new UploadResult("U1", "J1", 7, 0, 0), again);
            Check.eq("finalized again on the node", "{\"op\":\"learn\",\"errorHandling\":1}", u.finalized);

            u.state = "receiving";
            UploadException lost = Check.raises("a resume without the node", UploadException.class,
                    () -> c.upload(data, "p", UploadOptions.builder().resume("U1").build()));
            Check.ok("without the node: the balancer's node cannot find it", lost != null && "U1".equals(lost.uploadId())
                    && lost.node() == null && lost.getMessage().contains("cannot find upload"), String.valueOf(lost));

            u.node = "ftp://127.0.0.1:" + holder.port();
            f.calls.clear();
            UploadException odd = Check.raises("a node that is not a URL", UploadException.class,
                    () -> c.upload(data, "p", UploadOptions.defaults()));
            Check.ok("not a URL: the upload named, no node, why", odd != null && "U1".equals(odd.uploadId())
                    && odd.node() == null && odd.getMessage().contains("the server names its node by node URL"),
                    String.valueOf(odd));
            Check.eq("not a URL: nothing more sent", List.of("POST /uploads"), f.calls);
        }
    }
}
