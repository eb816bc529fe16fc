package io.symscore.client;

import java.util.Map;

/**
 * A request symscore refused, or one that could not be completed.
 *
 * <p>When the server answered, {@link #status()} is the envelope's statusCode (e.g.
 * {@code "BAD_REQUEST"}), {@link #statusString()} its message, {@link #reply()} the whole reply and
 * {@link #httpCode()} the HTTP status (REST) or the code of the status name (WebSocket). When it
 * did not — connection refused or closed, a reply that is not an envelope, a timeout —
 * {@link #status()} is null, {@link #httpCode()} is the HTTP status if one was received (else 0)
 * and {@link #closeCode()} is the WebSocket close status if the connection was closed (else -1).
 */
public class SymscoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Reply reply;
    private final int httpCode;
    private final int closeCode;

    /** An error reply from the server. */
    public SymscoreException(Reply reply) {
        super(reply.statusCode() + ": " + reply.statusString());
        this.reply = reply;
        this.httpCode = reply.httpCode();
        this.closeCode = -1;
    }

    /** A failure without an error envelope. */
    public SymscoreException(String message, int httpCode, int closeCode, Throwable cause) {
        super(message, cause);
        this.reply = null;
        this.httpCode = httpCode;
        this.closeCode = closeCode;
    }

    /**
     * A failure with its own message that carries another failure's reply and codes (e.g. an
     * {@link UploadException} wrapping the job's error reply); {@code reply} may be null.
     */
    protected SymscoreException(String message, Reply reply, int httpCode, int closeCode, Throwable cause) {
        super(message, cause);
        this.reply = reply;
        this.httpCode = httpCode;
        this.closeCode = closeCode;
    }

    /** The reply's statusCode name, or null when there was no error reply. */
    public String status() {
        return reply == null ? null : reply.statusCode();
    }

    /** The reply's status as an enum, or null (no reply, or a name this client does not know). */
    public Status statusEnum() {
        return reply == null ? null : reply.status();
    }

    /** The reply's statusString, or the failure's message when there was no reply. */
    public String statusString() {
        return reply == null ? getMessage() : reply.statusString();
    }

    /** The HTTP status, or the code of the status name on WebSocket; 0 when unknown. */
    public int httpCode() {
        return httpCode;
    }

    /** The WebSocket close status when the connection was closed, else -1. */
    public int closeCode() {
        return closeCode;
    }

    /** The error reply, or null. */
    public Reply reply() {
        return reply;
    }

    /** The reply's values (empty when there was no reply). */
    public Map<String, Object> values() {
        return reply == null ? Map.of() : reply.values();
    }

    /**
     * The server's string to sign (secret replaced by {@code SECRETKEY}) sent with a bad-signature
     * UNAUTHORIZED reply, or null.
     */
    public String stringToSign() {
        Object v = values().get("stringToSign");
        return v instanceof String ? (String) v : null;
    }
}
