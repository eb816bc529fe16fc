package io.symscore.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tests of the REST client against a loopback HTTP server that verifies every signature (the
 * resource and query as received, the body, Content-MD5) and answers canned envelopes.
 */
public final class RestTest {
    private static final String CID = "c1";
    private static final String SECRET = SignerTest.SECRET;
    private static final String OK = "{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{}}";

    private RestTest() {
    }

    public static void main(String[] args) {
        try {
            run();
        } catch (IOException e) {
            Check.ok("server start", false, e.toString());
        }
        Check.exit("RestTest");
    }

    /** One request as the server saw it. */
    static final class Seen {
        final String method;
        final String path;
        final String query;
        final String body;
        final String contentType;

        Seen(String method, String path, String query, String body, String contentType) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.body = body;
            this.contentType = contentType;
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + (body.isEmpty() ? "" : " " + body);
        }
    }

    static void run() throws IOException {
        HttpServer srv = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Signer verifier = new Signer(CID, SECRET);
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger polls = new AtomicInteger();
        srv.createContext("/", ex -> {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String date = ex.getRequestHeaders().getFirst("sym-date");
            String md5 = ex.getRequestHeaders().getFirst("Content-MD5");
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            seen.add(new Seen(method, path, query, body, ex.getRequestHeaders().getFirst("Content-Type")));
            String wantMD5 = body.isEmpty() ? "" : Signer.contentMD5(body);
            if (md5 == null || !md5.equals(wantMD5)) {
                respond(ex, 400, "{\"statusCode\":\"BAD_REQUEST\",\"statusString\":\"Content-MD5 mismatch\",\"values\":{}}", null);
                return;
            }
            String sts = verifier.restStringToSign(method, date, md5, body, path, query);
            if (auth == null || !auth.equals(verifier.sign(sts))) {
                String v = Json.toJson(Map.of("stringToSign", sts.replace(SECRET, "SECRETKEY")));
                respond(ex, 401, "{\"statusCode\":\"UNAUTHORIZED\",\"statusString\":\"bad signature\",\"values\":" + v + "}", null);
                return;
            }
            String route = method + " " + path.replace("/symetry/rest/c1", "");
            switch (route) {
                case "POST /projects":
                    if (query.contains("pid=exists")) {
                        respond(ex, 409, "{\"statusCode\":\"CONFLICT\",\"statusString\":\"project exists\",\"values\":{}}", null);
                    } else {
                        respond(ex, 201, "{\"statusCode\":\"CREATED\",\"statusString\":\"CREATED\",\"values\":{}}", null);
                    }
                    return;
                case "GET /projects/list":
                    respond(ex, 200, "{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"stringList\":{\"values\":[\"a b\",\"p1\"]}}}", null);
                    return;
                case "GET /projects/p1/info":
                    respond(ex, 200, "{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"smlInfo\":{\"pid\":\"p1\",\"rows\":150}}}", null);
                    return;
                case "POST /projects/p1/build":
                    if (query.contains("modelid=taken") && !query.contains("replace=true")) {
                        respond(ex, 409, "{\"statusCode\":\"CONFLICT\",\"statusString\":\"model \\\"taken\\\" of project \\\"p1\\\" exists; build with replace=true to replace it\",\"values\":{}}", null);
                        return;
                    }
                    String job = query.contains("modelid=bad") ? "8" : "7";
                    respond(ex, 202, "{\"statusCode\":\"ACCEPTED\",\"statusString\":\"ACCEPTED\",\"values\":{}}",
                            new String[] {"Location", "/symetry/rest/c1/jobs/" + job, "sym-job-id", job});
                    return;
                case "GET /jobs/7":
                    if (polls.incrementAndGet() < 3) {
                        respond(ex, 202, "{\"statusCode\":\"ACCEPTED\",\"statusString\":\"Job still running\",\"values\":{}}", null);
                    } else {
                        respond(ex, 200, "{\"statusCode\":\"OK\",\"statusString\":\"Job is finished\",\"values\":{}}", null);
                    }
                    return;
                case "GET /jobs/8":
                    respond(ex, 400, "{\"statusCode\":\"BAD_REQUEST\",\"statusString\":\"singular matrix\",\"values\":{}}", null);
                    return;
                case "GET /projects/p1/models/m1":
                    respond(ex, 200, "{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"modelInfo\":{\"modelId\":\"m1\",\"modelType\":\"lda\"}}}", null);
                    return;
                case "POST /projects/p1/predict/m1":
                    respond(ex, 200, "{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"KSVSMap\":{\"values\":[{\"res\":\"1\",\"prob\":\"0.97\"}]}}}", null);
                    return;
                case "POST /projects/p1/explore":
                    respond(ex, 200, "{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"KSVDMap\":{\"values\":[{\"count\":150,\"mean\":5.843333333333334},{\"count\":150,\"variance\":null}]}}}", null);
                    return;
                case "DELETE /projects/p1":
                case "POST /projects/p1/learn":
                case "GET /projects/p1/freeze":
                case "GET /projects/p1/merge":
                    respond(ex, 200, OK, null);
                    return;
                default:
                    respond(ex, 404, "404 page not found", null);
            }
        });
        srv.start();
        try {
            String base = "http://127.0.0.1:" + srv.getAddress().getPort();
            SymscoreClient c = SymscoreClient.builder(base, CID, SECRET).jobTimeout(Duration.ofSeconds(10)).build();
            cases(c, seen, polls);
            Check.group("wrong secret: UNAUTHORIZED with stringToSign", () -> {
                SymscoreClient bad = SymscoreClient.builder(base, CID, "AAAAAAAAAAAAAAAAAAAAAA==").build();
                SymscoreException e = Check.raises("refused", SymscoreException.class, () -> bad.projectInfo("p1"));
                Check.eq("status", "UNAUTHORIZED", e == null ? null : e.status());
                Check.eq("http", 401, e == null ? null : e.httpCode());
                Check.eq("string to sign", "GET\n\nSECRETKEY\n", e == null || e.stringToSign() == null ? null
                        : e.stringToSign().substring(0, 15));
            });
            Check.group("base URL with a path prefix and a trailing slash", () -> {
                SymscoreClient pre = SymscoreClient.builder(base + "/", CID, SECRET).build();
                pre.deleteProject("p1");
                Check.eq("path", "/symetry/rest/c1/projects/p1", seen.get(seen.size() - 1).path);
            });
            Check.eq("no problems", List.of(), problems);
        } finally {
            srv.stop(0);
        }
    }

    static void cases(SymscoreClient c, List<Seen> seen, AtomicInteger polls) {
        Check.group("create project", () -> {
            Reply r = c.createProject("p1", "partition", Map.of("partitionSplit", "species"));
            Check.eq("status", Status.CREATED, r.status());
            Check.eq("http", 201, r.httpCode());
            Seen s = seen.get(seen.size() - 1);
            Check.eq("query", "pid=p1&type=partition", s.query);
            Check.eq("body", "{\"partitionSplit\":\"species\"}", s.body);
            Check.eq("content type", "application/json", s.contentType);
            c.createProject("p2", "cpu", null);
            Check.eq("empty params body", "{}", seen.get(seen.size() - 1).body);
        });
        Check.group("create existing project: CONFLICT", () -> {
            SymscoreException e = Check.raises("conflict", SymscoreException.class,
                    () -> c.createProject("exists", "cpu", Map.of()));
            Check.eq("status", "CONFLICT", e == null ? null : e.status());
            Check.eq("http", 409, e == null ? null : e.httpCode());
        });
        Check.group("list and info", () -> {
            Check.eq("list", List.of("a b", "p1"), c.listProjects());
            Check.eq("info", Map.of("pid", "p1", "rows", 150L), c.projectInfo("p1"));
            Check.eq("info request", "GET /symetry/rest/c1/projects/p1/info", seen.get(seen.size() - 1).toString());
        });
        Check.group("build polls the job until finished", () -> {
            MLContext ctx = MLContext.builder().targetNames("Iris_virginica").inputNames("a", "b").build();
            Reply r = c.build("p1", "lda", "m1", ctx);
            Check.eq("finished", "Job is finished", r.statusString());
            Check.eq("polled three times", 3, polls.get());
            Seen post = seen.get(seen.size() - 4);
            Check.eq("build query", "algo=lda&modelid=m1", post.query);
            Check.eq("build body", ctx.toJson(), post.body);
        });
        Check.group("a model id the project has: CONFLICT, then replace", () -> {
            MLContext ctx = MLContext.builder().targetNames("Iris_virginica").inputNames("a", "b").build();
            SymscoreException e = Check.raises("existing id", SymscoreException.class, () -> c.build("p1", "lda", "taken", ctx));
            Check.eq("status", "CONFLICT", e == null ? null : e.status());
            Check.eq("http code", 409, e == null ? null : e.httpCode());
            polls.set(0);
            Reply r = c.build("p1", "lda", "taken", ctx, true);
            Check.eq("replaced", "Job is finished", r.statusString());
            Check.eq("replace query", "algo=lda&modelid=taken&replace=true", seen.get(seen.size() - 4).query);
        });
        Check.group("failed build job throws its status", () -> {
            SymscoreException e = Check.raises("failed job", SymscoreException.class,
                    () -> c.build("p1", "lda", "bad", MLContext.builder().targets(1).build()));
            Check.eq("status", "BAD_REQUEST", e == null ? null : e.status());
            Check.eq("reason", "singular matrix", e == null ? null : e.statusString());
        });
        Check.group("model info, predict, explore", () -> {
            Check.eq("modelInfo", "lda", c.modelInfo("p1", "m1").get("modelType"));
            DataFrame df = DataFrame.builder().column("a", "C").row("1").build();
            List<Map<String, String>> p = c.predict("p1", "m1", df, true);
            Check.eq("prediction", Map.of("res", "1", "prob", "0.97"), p.get(0));
            Seen s = seen.get(seen.size() - 1);
            Check.eq("impute query", "impute=true", s.query);
            Check.eq("predict body", df.toJson(), s.body);
            c.predict("p1", "m1", df, false);
            Check.eq("no query without impute", null, seen.get(seen.size() - 1).query);
            List<Map<String, Double>> x = c.explore("p1", "uni",
                    List.of(MLContext.builder().inputs(0).build(), MLContext.builder().inputs(1).build()));
            Check.eq("explore maps", 2, x.size());
            Check.eq("mean", 5.843333333333334, x.get(0).get("mean"));
            Check.ok("null variance", x.get(1).containsKey("variance") && x.get(1).get("variance") == null);
            Seen e = seen.get(seen.size() - 1);
            Check.eq("explore query", "metric=uni", e.query);
            Check.eq("explore body", "{\"values\":[{\"inputAttributes\":[\"0\"],\"extraParameters\":{}},"
                    + "{\"inputAttributes\":[\"1\"],\"extraParameters\":{}}]}", e.body);
        });
        Check.group("learn, freeze, merge, delete", () -> {
            c.learn("p1", DataFrame.builder().column("a", "C").row("1").build());
            c.freeze("p1", true);
            c.merge("p1", "other one");
            Check.eq("merge query encoded", "otherProjectName=other%20one", seen.get(seen.size() - 1).query);
            Check.eq("delete", Status.OK, c.deleteProject("p1").status());
            Check.eq("delete request", "DELETE /symetry/rest/c1/projects/p1", seen.get(seen.size() - 1).toString());
        });
        Check.group("not an envelope: HTTP code, no status", () -> {
            SymscoreException e = Check.raises("404", SymscoreException.class, () -> c.call("GET", "/nowhere", null, null));
            Check.eq("http", 404, e == null ? null : e.httpCode());
            Check.eq("status", null, e == null ? "?" : e.status());
        });
        Check.group("path segments are encoded and signed as sent", () -> {
            SymscoreException e = Check.raises("unknown pid", SymscoreException.class, () -> c.projectInfo("a b/c"));
            Check.eq("404, so the signature matched", 404, e == null ? null : e.httpCode());
            Check.eq("encoded path", "/symetry/rest/c1/projects/a%20b%2Fc/info", seen.get(seen.size() - 1).path);
        });
        Check.eq("encoding", "a-._~Z9%20%2F%C3%A9%26%3D", SymscoreClient.enc("a-._~Z9 /é&="));
    }

    private static void respond(HttpExchange ex, int code, String body, String[] headers) throws IOException {
        if (headers != null) {
            for (int i = 0; i < headers.length; i += 2) {
                ex.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}
