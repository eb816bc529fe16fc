package io.symscore.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a client finds the server and its customer, as the symscore command does: the URL from
 * {@code SYMSCORE_URL} (default {@code http://127.0.0.1:8080}); the customer from
 * {@code SYMSCORE_CID} and {@code SYMSCORE_SECRET}, else from the development customer file
 * that {@code symscore serve} writes in its data directory ({@code SYMSCORE_DATA_DIR}, default
 * {@code ./var}): {@code dev-customer.json}, {@code {"id":"dev","secret":"..."}}. For an https://
 * server whose certificate a private authority signed, {@code SYMSCORE_CA_FILE} names the PEM
 * file of that authority's certificate.
 *
 * @param url    the server's base URL
 * @param cid    the customer id
 * @param secret the customer's Base64 secret
 * @param caFile the PEM file of the certificate authority to trust instead of the JDK's, or null
 */
public record Credentials(String url, String cid, String secret, String caFile) {
    /** Credentials trusting the JDK's certificate authorities. */
    public Credentials(String url, String cid, String secret) {
        this(url, cid, secret, null);
    }

    /** The server the symscore command talks to by default. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    /** The development customer file's name in the data directory. */
    public static final String DEV_CUSTOMER_FILE = "dev-customer.json";

    /** Resolves the credentials from the process environment. */
    public static Credentials fromEnvironment() throws IOException {
        return from(System.getenv());
    }

    /**
     * Resolves the credentials from {@code env}; throws IllegalArgumentException when only one
     * of the customer id and the secret is given, IOException when neither is and the
     * development customer file cannot be read.
     */
    public static Credentials from(Map<String, String> env) throws IOException {
        String url = nonEmpty(env.get("SYMSCORE_URL"), DEFAULT_URL);
        String cid = nonEmpty(env.get("SYMSCORE_CID"), null);
        String secret = nonEmpty(env.get("SYMSCORE_SECRET"), null);
        String caFile = nonEmpty(env.get("SYMSCORE_CA_FILE"), null);
        if (cid != null && secret != null) {
            return new Credentials(url, cid, secret, caFile);
        }
        if (cid != null || secret != null) {
            throw new IllegalArgumentException("SYMSCORE_CID and SYMSCORE_SECRET go together: give both, or neither to use the development customer");
        }
        Path file = Path.of(nonEmpty(env.get("SYMSCORE_DATA_DIR"), "./var"), DEV_CUSTOMER_FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("no credentials: set SYMSCORE_CID and SYMSCORE_SECRET, or SYMSCORE_DATA_DIR where symscore serve keeps its development customer ("
                    + file + " does not exist)", e);
        }
        Object v;
        try {
            v = Json.parse(text);
        } catch (IllegalArgumentException e) {
            v = null;
        }
        if (v instanceof Map<?, ?> m && m.get("id") instanceof String id && m.get("secret") instanceof String s
                && !id.isEmpty() && !s.isEmpty()) {
            return new Credentials(url, id, s, caFile);
        }
        throw new IOException("development customer file " + file + " is not {\"id\":...,\"secret\":...}");
    }

    /**
     * A client builder for these credentials, trusting {@link #caFile} when set (see
     * {@link SymscoreClient.Builder#caFile}).
     */
    public SymscoreClient.Builder builder() {
        SymscoreClient.Builder b = SymscoreClient.builder(url, cid, secret);
        if (caFile != null) {
            b.caFile(Path.of(caFile));
        }
        return b;
    }

    private static String nonEmpty(String s, String def) {
        return s == null || s.isEmpty() ? def : s;
    }

    @Override
    public String toString() {
        return "Credentials[url=" + url + ", cid=" + cid + ", secret=****" + (caFile == null ? "" : ", caFile=" + caFile) + "]";
    }
}
