package io.symscore.client;

/** The status names of symscore reply envelopes and their HTTP codes. */
public enum Status {
    OK(200),
    CREATED(201),
    ACCEPTED(202),
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    CONFLICT(409),
    INTERNAL_SERVER_ERROR(500),
    SERVICE_UNAVAILABLE(503);

    private final int httpCode;

    Status(int httpCode) {
        this.httpCode = httpCode;
    }

    /** The HTTP status code this status is sent with on REST. */
    public int httpCode() {
        return httpCode;
    }

    /** True for OK, CREATED and ACCEPTED. */
    public boolean isSuccess() {
        return httpCode < 300;
    }

    /** The status with this wire name, or null when the name is not one of the above. */
    public static Status fromName(String name) {
        if (name != null) {
            for (Status s : values()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
        }
        return null;
    }

    /** The status sent with this HTTP code, or null when there is none. */
    public static Status fromHttpCode(int code) {
        for (Status s : values()) {
            if (s.httpCode == code) {
                return s;
            }
        }
        return null;
    }
}
