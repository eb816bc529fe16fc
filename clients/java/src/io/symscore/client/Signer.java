package io.symscore.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs symscore messages (docs/protocol.md 1.2 and 2) for one customer.
 *
 * <p>WebSocket string to sign: {@code contentMD5 \n secret \n symDate \n cid \n payload \n
 * serviceURL \n} then every extra key followed by {@code \n}. REST string to sign:
 * {@code method \n contentMD5 \n secret \n symDate \n cid \n [body \n] resource \n [rawQuery \n]}
 * (contentMD5 empty when there is no body). Signature: Base64 of HMAC-SHA256 keyed with the
 * Base64-decoded secret. contentMD5: Base64 of the MD5 of the UTF-8 bytes.
 *
 * <p>{@link #nextDate()} hands out UTC dates with nanoseconds that strictly increase across all
 * callers of one Signer, even when the clock stands still or steps back, so two messages never
 * share a signature (the server refuses a replayed learn or forget). Share one Signer per
 * customer within a process. Safe for concurrent use. A string to sign contains the secret:
 * never log one.
 */
public final class Signer {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final String cid;
    private final String secret;
    private final SecretKeySpec key;
    private final LongSupplier clockNanos;
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);
    private final ThreadLocal<Mac> mac;

    /** A signer using the system clock. */
    public Signer(String cid, String secret) {
        this(cid, secret, Signer::systemNanos);
    }

    /**
     * A signer whose dates come from {@code clockNanos} (nanoseconds since the Unix epoch).
     *
     * @throws IllegalArgumentException when the secret is not Base64 or decodes to nothing
     */
    public Signer(String cid, String secret, LongSupplier clockNanos) {
        if (cid == null || cid.isEmpty()) {
            throw new IllegalArgumentException("customer id is empty");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("secret is not Base64", e);
        }
        if (raw.length == 0) {
            throw new IllegalArgumentException("secret is empty");
        }
        this.cid = cid;
        this.secret = secret;
        this.key = new SecretKeySpec(raw, "HmacSHA256");
        this.clockNanos = clockNanos;
        this.mac = ThreadLocal.withInitial(this::newMac);
    }

    /** The customer id. */
    public String cid() {
        return cid;
    }

    /** Nanoseconds since the Unix epoch from the system clock. */
    public static long systemNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** A date for the next message: the clock, or 1 ns after the last date handed out. */
    public String nextDate() {
        long now = clockNanos.getAsLong();
        long next;
        while (true) {
            long last = lastNanos.get();
            next = last != Long.MIN_VALUE && now <= last ? last + 1 : now;
            if (lastNanos.compareAndSet(last, next)) {
                return formatDate(next);
            }
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss;nnnnnnnnn} in UTC. */
    public static String formatDate(long epochNanos) {
        long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        LocalDateTime t = LocalDateTime.ofEpochSecond(sec, nano, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(29);
        pad(b, t.getYear(), 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append(' ');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2).append(';');
        return pad(b, t.getNano(), 9).toString();
    }

    private static StringBuilder pad(StringBuilder b, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(s);
    }

    /** Base64 of the MD5 of {@code body}. */
    public static String contentMD5(byte[] body) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("MD5").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    /** Base64 of the MD5 of the UTF-8 bytes of {@code body}. */
    public static String contentMD5(String body) {
        return contentMD5(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Base64 of HMAC-SHA256 of the UTF-8 bytes of {@code stringToSign}. */
    public String sign(String stringToSign) {
        Mac m = mac.get();
        return B64.encodeToString(m.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    /** The WebSocket string to sign. Contains the secret. */
    public String wsStringToSign(String date, String contentMD5, String payload, String serviceURL,
                                 List<String> extraKeys) {
        StringBuilder b = new StringBuilder(payload.length() + 256);
        b.append(contentMD5).append('\n')
                .append(secret).append('\n')
                .append(date).append('\n')
                .append(cid).append('\n')
                .append(payload).append('\n')
                .append(serviceURL).append('\n');
        for (String k : extraKeys) {
            b.append(k).append('\n');
        }
        return b.toString();
    }

    /** The REST string to sign; {@code body} and {@code rawQuery} may be null or empty. */
    public String restStringToSign(String method, String date, String contentMD5, String body,
                                   String resource, String rawQuery) {
        StringBuilder b = new StringBuilder(256 + (body == null ? 0 : body.length()));
        b.append(method).append('\n')
                .append(contentMD5).append('\n')
                .append(secret).append('\n')
                .append(date).append('\n')
                .append(cid).append('\n');
        if (body != null && !body.isEmpty()) {
            b.append(body).append('\n');
        }
        b.append(resource).append('\n');
        if (rawQuery != null && !rawQuery.isEmpty()) {
            b.append(rawQuery).append('\n');
        }
        return b.toString();
    }

    /** The signed header of one WebSocket message: {@code {"headers":[...],"extraKeys":[...]}}. */
    public String wsHeader(String date, String payload, String serviceURL, List<String> extraKeys) {
        String md5 = contentMD5(payload);
        String sig = sign(wsStringToSign(date, md5, payload, serviceURL, extraKeys));
        StringBuilder h = new StringBuilder(160);
        h.append("{\"headers\":[");
        Json.quote(h, date).append(',');
        Json.quote(h, md5).append(',');
        Json.quote(h, sig).append(',');
        Json.quote(h, cid).append("],\"extraKeys\":[");
        for (int i = 0; i < extraKeys.size(); i++) {
            if (i > 0) {
                h.append(',');
            }
            Json.quote(h, extraKeys.get(i));
        }
        return h.append("]}").toString();
    }

    /** One whole framed WebSocket message {@code <N>,<header><payload>} with the given date. */
    public String frame(String date, String payload, String serviceURL, List<String> extraKeys) {
        String header = wsHeader(date, payload, serviceURL, extraKeys);
        int n = header.getBytes(StandardCharsets.UTF_8).length;
        return new StringBuilder(header.length() + payload.length() + 8)
                .append(n).append(',').append(header).append(payload).toString();
    }

    /** One whole framed WebSocket message dated {@link #nextDate()}. */
    public String frame(String payload, String serviceURL, List<String> extraKeys) {
        return frame(nextDate(), payload, serviceURL, extraKeys);
    }

    /** The three signed REST header values. */
    public static final class RestHeaders {
        /** {@code sym-date}. */
        public final String date;
        /** {@code Content-MD5} ("" when there is no body). */
        public final String contentMD5;
        /** {@code Authorization}. */
        public final String signature;

        RestHeaders(String date, String contentMD5, String signature) {
            this.date = date;
            this.contentMD5 = contentMD5;
            this.signature = signature;
        }
    }

    /** Signs a REST request with the given date; {@code body} null or empty means no body. */
    public RestHeaders signRest(String date, String method, String resource, String rawQuery,
                                String body) {
        String md5 = body == null || body.isEmpty() ? "" : contentMD5(body);
        String sig = sign(restStringToSign(method, date, md5, body, resource, rawQuery));
        return new RestHeaders(date, md5, sig);
    }

    /** Signs a REST request dated {@link #nextDate()}. */
    public RestHeaders signRest(String method, String resource, String rawQuery, String body) {
        return signRest(nextDate(), method, resource, rawQuery, body);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
