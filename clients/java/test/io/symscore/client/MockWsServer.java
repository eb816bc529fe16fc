package io.symscore.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback WebSocket server speaking just enough of symscore's protocol to test the client:
 * RFC 6455 handshake and framing written from scratch, framed-message parsing, signature
 * verification against the serviceURL rebuilt from the Host header and path, replay refusal,
 * session frames, canned learn/predict replies, optional reply fragmentation, close 1008 after an
 * authentication failure, and upload sessions: a signed first message then binary chunks
 * (8-byte big-endian position, bytes) kept in {@link #chunks} and answered with their position,
 * length and the distinct bytes received.
 */
final class MockWsServer implements AutoCloseable {
    private final ServerSocket ss;
    private final Signer verifier;
    private final String secret;
    private final Thread acceptor;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> seenSignatures = Collections.synchronizedSet(new HashSet<>());

    /** Split replies into fragments of this many bytes (0: one frame). */
    volatile int fragmentBytes;
    /**
     * Drop the connection without a close frame when this many messages arrived, unanswered
     * (0: never): the client's input ends after the replies already sent (a FIN, never a reset
     * that could discard them), and what it still sends is read and discarded.
     */
    volatile int dropAfter;
    /**
     * Go silent when this many messages arrived (0: never): that message and every later frame,
     * pings included, are read and never answered, and the connection stays open.
     */
    volatile int silentAfter;
    final AtomicInteger framed = new AtomicInteger();
    final AtomicInteger bare = new AtomicInteger();
    /** Size of the file of every upload session (their chunks must fit in it). */
    volatile long uploadSize = 1000;
    /** Acknowledge chunks without keeping them (a server that loses what it acknowledged). */
    volatile boolean loseChunks;
    /** Added to the position of every acknowledgement (a server that answers another chunk). */
    volatile long ackShift;
    /** The bytes upload sessions received, one byte per position. */
    final Map<Long, Byte> chunks = new java.util.concurrent.ConcurrentHashMap<>();
    /** Protocol violations the client committed, as seen by the server. */
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    MockWsServer(String cid, String secret) throws IOException {
        this.ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.verifier = new Signer(cid, secret);
        this.secret = secret;
        this.acceptor = new Thread(this::acceptLoop, "mock-ws-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return ss.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        ss.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private void acceptLoop() {
        while (!ss.isClosed()) {
            try {
                Socket s = ss.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "mock-ws-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Per-connection state. */
    private static final class Conn {
        String path;
        String host;
        boolean authenticated;
        String lastDate;
        int messages;
        String uploadId;
        List<String> lastKeys = List.of();
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            Conn c = handshake(in, out);
            if (c == null) {
                return;
            }
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    return;
                }
                boolean fin = (b0 & 0x80) != 0;
                int op = b0 & 0x0f;
                byte[] data = readPayload(in);
                if (op == 8) {
                    writeFrame(out, 0x88, data, 0, data.length);
                    return;
                }
                if (op == 9) {
                    writeFrame(out, 0x8A, data, 0, data.length);
                    continue;
                }
                if (op == 10) {
                    continue;
                }
                if (op == 2 && fin) {
                    c.messages++;
                    if (dropAfter > 0 && c.messages >= dropAfter) {
                        s.shutdownOutput();
                        discardUntilEnd(in);
                        return;
                    }
                    if (!onChunk(c, data, out)) {
                        drainUntilClose(s, in);
                        return;
                    }
                    continue;
                }
                if (op != 1 && op != 0) {
                    problems.add("unexpected opcode " + op);
                    return;
                }
                msg.write(data);
                if (!fin) {
                    continue;
                }
                String text = msg.toString(StandardCharsets.UTF_8);
                msg.reset();
                c.messages++;
                if (dropAfter > 0 && c.messages >= dropAfter) {
                    s.shutdownOutput();
                    discardUntilEnd(in);
                    return;
                }
                if (silentAfter > 0 && c.messages >= silentAfter) {
                    discardUntilEnd(in);
                    return;
                }
                if (!onMessage(c, text, out)) {
                    drainUntilClose(s, in);
                    return;
                }
            }
        } catch (IOException e) {
            // connection ended
        }
    }

    /** Reads and discards everything until the client's input ends (or the mock closes). */
    private static void discardUntilEnd(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // discarded
        }
    }

    /** After sending a close frame: discard frames until the client's close (or EOF, or 2 s). */
    private void drainUntilClose(Socket s, InputStream in) throws IOException {
        s.setSoTimeout(2000);
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return;
            }
            readPayload(in);
            if ((b0 & 0x0f) == 8) {
                return;
            }
        }
    }

    private Conn handshake(InputStream in, OutputStream out) throws IOException {
        String line = readLine(in);
        Map<String, String> h = new HashMap<>();
        for (String l = readLine(in); !l.isEmpty(); l = readLine(in)) {
            int colon = l.indexOf(':');
            h.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        String key = h.get("sec-websocket-key");
        Rest r = rest;
        if (r != null && key == null) {
            serveRest(r, line, h, in, out);
            return null;
        }
        if (!line.startsWith("GET ") || key == null || !"websocket".equalsIgnoreCase(h.get("upgrade"))) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return null;
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Conn c = new Conn();
        c.path = line.split(" ")[1];
        c.host = h.get("host");
        return c;
    }

    /** A REST answer: HTTP status, envelope, Location header (or null). */
    record RestReply(int code, String body, String location) {
    }

    /** Answers signature-checked REST requests (path without the query, body). */
    interface Rest {
        RestReply handle(String method, String path, String body);
    }

    /**
     * When set, plain HTTP requests on the same port are REST calls: their signature is
     * checked (401 when wrong, counted in {@link #problems}) and {@code rest} answers them;
     * one request per connection.
     */
    volatile Rest rest;

    private void serveRest(Rest r, String line, Map<String, String> h, InputStream in, OutputStream out)
            throws IOException {
        String[] parts = line.split(" ");
        String method = parts[0];
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        int n = h.containsKey("content-length") ? Integer.parseInt(h.get("content-length")) : 0;
        String body = new String(in.readNBytes(n), StandardCharsets.UTF_8);
        String md5 = h.getOrDefault("content-md5", "");
        String sts = verifier.restStringToSign(method, h.get("sym-date"), md5, body, path, query);
        RestReply rr;
        if (!md5.equals(body.isEmpty() ? "" : Signer.contentMD5(body)) || !verifier.sign(sts).equals(h.get("authorization"))) {
            problems.add("bad REST signature: " + method + " " + target);
            rr = new RestReply(401, error("UNAUTHORIZED", "bad signature", Map.of()), null);
        } else {
            rr = r.handle(method, path, body);
        }
        byte[] b = rr.body().getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + rr.code() + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n" + (rr.location() == null ? "" : "Location: " + rr.location() + "\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    /** Handles one message; returns false when the connection must end. */
    private boolean onMessage(Conn c, String text, OutputStream out) throws IOException {
        String payload;
        if (text.startsWith("{")) {
            bare.incrementAndGet();
            if (!c.authenticated) {
                reply(out, error("BAD_REQUEST", "session frame before an authenticated message", Map.of()));
                closeWith(out, 1008);
                return false;
            }
            payload = text;
        } else {
            framed.incrementAndGet();
            int comma = text.indexOf(',');
            byte[] rest = text.substring(comma + 1).getBytes(StandardCharsets.UTF_8);
            int n = Integer.parseInt(text.substring(0, comma));
            Map<?, ?> hdr = (Map<?, ?>) Json.parse(new String(rest, 0, n, StandardCharsets.UTF_8));
            payload = new String(rest, n, rest.length - n, StandardCharsets.UTF_8);
            List<?> hs = (List<?>) hdr.get("headers");
            List<String> keys = new ArrayList<>();
            for (Object k : (List<?>) hdr.get("extraKeys")) {
                keys.add((String) k);
            }
            String date = (String) hs.get(0);
            String md5 = (String) hs.get(1);
            String sig = (String) hs.get(2);
            String cid = (String) hs.get(3);
            if (!Signer.contentMD5(payload).equals(md5)) {
                reply(out, error("BAD_REQUEST", "content MD5 mismatch", Map.of()));
                closeWith(out, 1008);
                return false;
            }
            String sts = verifier.wsStringToSign(date, md5, payload, "ws://" + c.host + c.path, keys);
            if (!cid.equals(verifier.cid()) || !verifier.sign(sts).equals(sig)) {
                reply(out, error("UNAUTHORIZED", "bad signature",
                        Map.of("stringToSign", sts.replace(secret, "SECRETKEY"))));
                closeWith(out, 1008);
                return false;
            }
            if (!date.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d;\\d{9}")) {
                problems.add("date format " + date);
            }
            if (c.lastDate != null && date.compareTo(c.lastDate) <= 0) {
                problems.add("date not increasing: " + c.lastDate + " then " + date);
            }
            c.lastDate = date;
            c.lastKeys = keys;
            if (!c.path.endsWith("/predict") && !seenSignatures.add(sig)) {
                reply(out, error("CONFLICT", "replayed request", Map.of()));
                return true;
            }
            c.authenticated = true;
        }
        if (c.path.endsWith("/upload")) {
            if (c.uploadId != null) {
                reply(out, error("BAD_REQUEST", "a text message after the first", Map.of()));
                return true;
            }
            c.uploadId = c.lastKeys.get(0);
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("uploadId", c.uploadId);
            values.put("size", uploadSize);
            values.put("received", received());
            reply(out, ok(values));
            return true;
        }
        Map<?, ?> df = (Map<?, ?>) Json.parse(payload);
        List<?> names = (List<?>) df.get("attributeNames");
        List<?> rows = (List<?>) df.get("data");
        if (names.contains("bad")) {
            reply(out, error("BAD_REQUEST", "row 0, column \"bad\": \"x\" is not a number", Map.of()));
            return true;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        if (c.path.endsWith("/predict")) {
            List<Object> preds = new ArrayList<>();
            for (Object r : rows) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("res", ((List<?>) r).get(0));
                p.put("prob", "0.5");
                p.put("normZ", null);
                p.put("text", "é€😀");
                preds.add(p);
            }
            values.put("KSVSMap", Map.of("values", preds));
        } else {
            values.put("first", rows.isEmpty() ? null : ((List<?>) rows.get(0)).get(0));
        }
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("statusCode", "OK");
        env.put("statusString", "OK");
        env.put("values", values);
        reply(out, Json.toJson(env));
        return true;
    }

    /** Handles one binary message (an upload chunk); returns false when the connection must end. */
    private boolean onChunk(Conn c, byte[] data, OutputStream out) throws IOException {
        if (c.uploadId == null) {
            problems.add("binary message before the signed first message");
            closeWith(out, 1008);
            return false;
        }
        if (data.length < 9) {
            reply(out, error("BAD_REQUEST", "a chunk needs a position and at least one byte", Map.of()));
            return true;
        }
        long pos = java.nio.ByteBuffer.wrap(data).getLong();
        int len = data.length - 8;
        if (pos < 0 || pos > uploadSize - len) {
            reply(out, error("BAD_REQUEST", "chunk past the size", Map.of()));
            return true;
        }
        for (int i = 0; i < len && !loseChunks; i++) {
            chunks.put(pos + i, data[8 + i]);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("position", pos + ackShift);
        values.put("length", (long) len);
        values.put("received", received());
        reply(out, ok(values));
        return true;
    }

    /** Distinct bytes the upload sessions received. */
    long received() {
        return chunks.size();
    }

    static String ok(Map<String, Object> values) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("statusCode", "OK");
        env.put("statusString", "OK");
        env.put("values", values);
        return Json.toJson(env);
    }

    static String error(String status, String msg, Map<String, Object> values) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("statusCode", status);
        env.put("statusString", msg);
        env.put("values", values);
        return Json.toJson(env);
    }

    private void reply(OutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int step = fragmentBytes > 0 ? fragmentBytes : b.length;
        int off = 0;
        do {
            int len = Math.min(step, b.length - off);
            boolean last = off + len == b.length;
            int op = off == 0 ? 1 : 0;
            writeFrame(out, (last ? 0x80 : 0) | op, b, off, len);
            off += len;
        } while (off < b.length);
        out.flush();
    }

    private static void closeWith(OutputStream out, int code) throws IOException {
        byte[] reason = "authentication failed".getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        writeFrame(out, 0x88, p, 0, p.length);
        out.flush();
    }

    private static void writeFrame(OutputStream out, int b0, byte[] b, int off, int len) throws IOException {
        out.write(b0);
        if (len < 126) {
            out.write(len);
        } else if (len < 65536) {
            out.write(126);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) len >> (8 * i)));
            }
        }
        out.write(b, off, len);
    }

    private byte[] readPayload(InputStream in) throws IOException {
        int b1 = readByte(in);
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (readByte(in) << 8) | readByte(in);
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte(in);
            }
        }
        if (len > (64 << 20)) {
            throw new IOException("frame too large");
        }
        if (!masked) {
            problems.add("client frame not masked");
        }
        byte[] mask = masked ? in.readNBytes(4) : new byte[4];
        byte[] p = in.readNBytes((int) len);
        if (p.length != len) {
            throw new EOFException();
        }
        for (int i = 0; i < p.length; i++) {
            p[i] ^= mask[i & 3];
        }
        return p;
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
