package io.symscore.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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
        Check.eq("announced", new Upload.Announced("U2", 131072, "2026-12-05T00:00:00Z"), Upload.Announced.of(a));
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
        Check.eq("no reply", "null false null 0 -1", io.uploadId() + " " + io.finalizing() + " " + io.status()
                + " " + io.httpCode() + " " + io.line());
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
}
