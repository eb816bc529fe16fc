package io.symscore.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Tests of Credentials: the environment, then the development customer file. */
public final class CredentialsTest {
    private CredentialsTest() {
    }

    public static void main(String[] args) {
        run();
        Check.exit("CredentialsTest");
    }

    static void run() {
        Check.group("environment", () -> {
            Credentials c = Credentials.from(Map.of("SYMSCORE_CID", "c1", "SYMSCORE_SECRET", "s", "SYMSCORE_URL", "http://h:1"));
            Check.eq("url", "http://h:1", c.url());
            Check.eq("cid", "c1", c.cid());
            Check.eq("secret", "s", c.secret());
            Check.eq("default url", Credentials.DEFAULT_URL, Credentials.from(Map.of("SYMSCORE_CID", "c1", "SYMSCORE_SECRET", "s")).url());
            Check.ok("toString masks the secret", !c.toString().contains("=s,") && c.toString().contains("****"));
            Check.raises("cid alone", IllegalArgumentException.class, () -> Credentials.from(Map.of("SYMSCORE_CID", "c1")));
            Check.eq("no CA file", null, c.caFile());
        });
        Check.group("CA file", () -> {
            Path dir = Files.createTempDirectory("symscore-ca");
            Path notPem = dir.resolve("ca.pem");
            Files.writeString(notPem, "not a certificate\n");
            Credentials c = Credentials.from(Map.of("SYMSCORE_CID", "c1", "SYMSCORE_SECRET", "s", "SYMSCORE_CA_FILE", notPem.toString()));
            Check.eq("caFile", notPem.toString(), c.caFile());
            Check.raises("a file without a certificate", IllegalArgumentException.class, c::builder);
            Check.raises("a missing file", java.io.UncheckedIOException.class,
                    () -> SymscoreClient.builder("https://h:1", "c1", "s").caFile(dir.resolve("none.pem")));
            Files.delete(notPem);
            Files.delete(dir);
        });
        Check.group("development customer file", () -> {
            Path dir = Files.createTempDirectory("symscore-cred");
            Check.raises("no file", java.io.IOException.class, () -> Credentials.from(Map.of("SYMSCORE_DATA_DIR", dir.toString())));
            Files.writeString(dir.resolve("dev-customer.json"), "{\"id\":\"dev\",\"secret\":\"QUJD\"}");
            Credentials c = Credentials.from(Map.of("SYMSCORE_DATA_DIR", dir.toString()));
            Check.eq("cid", "dev", c.cid());
            Check.eq("secret", "QUJD", c.secret());
            Files.writeString(dir.resolve("dev-customer.json"), "{\"id\":\"dev\"}");
            Check.raises("no secret", java.io.IOException.class, () -> Credentials.from(Map.of("SYMSCORE_DATA_DIR", dir.toString())));
            Files.writeString(dir.resolve("dev-customer.json"), "not json");
            Check.raises("not JSON", java.io.IOException.class, () -> Credentials.from(Map.of("SYMSCORE_DATA_DIR", dir.toString())));
            Files.delete(dir.resolve("dev-customer.json"));
            Files.delete(dir);
        });
    }
}
