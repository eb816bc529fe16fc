package io.symscore.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reply envelope: {@code {"statusCode":"OK","statusString":"OK","values":{...}}}.
 *
 * <p>{@link #values()} is the parsed {@code values} object (see {@link Json} for the Java types);
 * the typed accessors read the shapes symscore sends: {@link #predictions()} ({@code KSVSMap}),
 * {@link #statistics()} ({@code KSVDMap}), {@link #object(String)} ({@code smlInfo},
 * {@code modelInfo}), {@link #stringList()}, {@link #number(String)} ({@code rowsApplied}).
 * A value of the wrong shape is a {@link SymscoreException} with no status. Immutable.
 */
public final class Reply {
    private final String statusCode;
    private final String statusString;
    private final Map<String, Object> values;
    private final int httpCode;
    private final Map<String, List<String>> headers;

    Reply(String statusCode, String statusString, Map<String, Object> values, int httpCode,
          Map<String, List<String>> headers) {
        this.statusCode = statusCode;
        this.statusString = statusString;
        this.values = values;
        this.httpCode = httpCode;
        this.headers = headers;
    }

    /**
     * Parses an envelope. {@code httpCode} is the HTTP status of a REST reply, or 0 on WebSocket
     * (then {@link #httpCode()} is derived from the status name).
     *
     * @throws SymscoreException (no status) when {@code text} is not an envelope
     */
    public static Reply parse(String text, int httpCode, Map<String, List<String>> headers) {
        Object v;
        try {
            v = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw malformed("reply is not JSON: " + e.getMessage(), httpCode, e);
        }
        if (!(v instanceof Map)) {
            throw malformed("reply is not a JSON object", httpCode, null);
        }
        Map<?, ?> m = (Map<?, ?>) v;
        Object code = m.get("statusCode");
        if (!(code instanceof String)) {
            throw malformed("reply has no string statusCode", httpCode, null);
        }
        Object msg = m.get("statusString");
        if (msg != null && !(msg instanceof String)) {
            throw malformed("reply statusString is not a string", httpCode, null);
        }
        Object vals = m.get("values");
        if (vals != null && !(vals instanceof Map)) {
            throw malformed("reply values is not an object", httpCode, null);
        }
        int http = httpCode;
        if (http == 0) {
            Status s = Status.fromName((String) code);
            http = s == null ? 0 : s.httpCode();
        }
        return new Reply((String) code, msg == null ? "" : (String) msg,
                vals == null ? Map.of() : castMap(vals), http,
                headers == null ? Map.of() : headers);
    }

    /** Parses a WebSocket reply envelope. */
    public static Reply parse(String text) {
        return parse(text, 0, null);
    }

    /** The statusCode name as sent, e.g. {@code "OK"}. */
    public String statusCode() {
        return statusCode;
    }

    /** The status as an enum, or null when the name is not a known one. */
    public Status status() {
        return Status.fromName(statusCode);
    }

    /** The statusString as sent ("" when absent). */
    public String statusString() {
        return statusString;
    }

    /** The values object (empty when absent). */
    public Map<String, Object> values() {
        return values;
    }

    /** The HTTP status (REST), or the code of the status name (WebSocket); 0 when unknown. */
    public int httpCode() {
        return httpCode;
    }

    /** True for OK, CREATED and ACCEPTED. */
    public boolean isSuccess() {
        Status s = status();
        return s != null && s.isSuccess();
    }

    /** The first value of a REST response header (case-insensitive name), or null. */
    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** {@code values.KSVSMap.values}: one map per scored row, values as strings (null allowed). */
    public List<Map<String, String>> predictions() {
        List<Object> rows = list(object("KSVSMap"), "values", "KSVSMap.values");
        List<Map<String, String>> out = new ArrayList<>(rows.size());
        for (Object row : rows) {
            if (!(row instanceof Map)) {
                throw malformed("KSVSMap.values holds a non-object", 0, null);
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) row).entrySet()) {
                Object x = e.getValue();
                if (x != null && !(x instanceof String)) {
                    throw malformed("KSVSMap value of \"" + e.getKey() + "\" is not a string", 0, null);
                }
                m.put((String) e.getKey(), (String) x);
            }
            out.add(Collections.unmodifiableMap(m));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code values.KSVDMap.values}: one map per MLContext, numbers (null for non-finite). */
    public List<Map<String, Double>> statistics() {
        List<Object> rows = list(object("KSVDMap"), "values", "KSVDMap.values");
        List<Map<String, Double>> out = new ArrayList<>(rows.size());
        for (Object row : rows) {
            if (!(row instanceof Map)) {
                throw malformed("KSVDMap.values holds a non-object", 0, null);
            }
            Map<String, Double> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) row).entrySet()) {
                Object x = e.getValue();
                if (x != null && !(x instanceof Number)) {
                    throw malformed("KSVDMap value of \"" + e.getKey() + "\" is not a number", 0, null);
                }
                m.put((String) e.getKey(), x == null ? null : ((Number) x).doubleValue());
            }
            out.add(Collections.unmodifiableMap(m));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code values.stringList.values}, e.g. the project ids of a list request. */
    public List<String> stringList() {
        List<Object> items = list(object("stringList"), "values", "stringList.values");
        List<String> out = new ArrayList<>(items.size());
        for (Object o : items) {
            if (!(o instanceof String)) {
                throw malformed("stringList.values holds a non-string", 0, null);
            }
            out.add((String) o);
        }
        return Collections.unmodifiableList(out);
    }

    /** The object {@code values.<key>}, e.g. {@code smlInfo} or {@code modelInfo}. */
    public Map<String, Object> object(String key) {
        Object o = values.get(key);
        if (!(o instanceof Map)) {
            throw malformed("reply has no object values." + key, 0, null);
        }
        return castMap(o);
    }

    /** The number {@code values.<key>}, e.g. {@code rowsApplied}; null when absent. */
    public Number number(String key) {
        Object o = values.get(key);
        if (o != null && !(o instanceof Number)) {
            throw malformed("values." + key + " is not a number", 0, null);
        }
        return (Number) o;
    }

    @Override
    public String toString() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("statusCode", statusCode);
        m.put("statusString", statusString);
        m.put("values", values);
        return Json.toJson(m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key, String what) {
        Object o = parent.get(key);
        if (!(o instanceof List)) {
            throw malformed("reply has no array " + what, 0, null);
        }
        return (List<Object>) o;
    }

    private static SymscoreException malformed(String msg, int httpCode, Throwable cause) {
        return new SymscoreException(msg, httpCode, -1, cause);
    }
}
