package io.symscore.client.example;

import io.symscore.client.Credentials;
import io.symscore.client.DataFrame;
import io.symscore.client.MLContext;
import io.symscore.client.Reply;
import io.symscore.client.Session;
import io.symscore.client.SymscoreClient;
import io.symscore.client.SymscoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * End-to-end example: create a project, learn iris over WebSocket, build an {@code lda} model
 * over REST, score four rows over WebSocket, delete the project.
 *
 * <p>Environment: {@code SYMSCORE_URL} (default {@code http://127.0.0.1:8080}),
 * {@code SYMSCORE_CID}, {@code SYMSCORE_SECRET} (default: the development customer of
 * {@code SYMSCORE_DATA_DIR}, as {@link io.symscore.client.Credentials} finds it), {@code SYMSCORE_PID} (default
 * {@code irisExample}; the first argument overrides it), {@code SYMSCORE_IRIS} (path of
 * iris.csv; default: looked up under {@code clients/testdata}), {@code SYMSCORE_SESSION_FRAMES=1}
 * to sign only the first WebSocket message.
 *
 * <p>Standard output holds only the predictions, one line per row:
 * {@code row=<i> key=value ...} with keys sorted and values exactly as received ({@code null}
 * for a null value). Progress goes to standard error. Exit status 0 on success, 1 on failure.
 */
public final class Example {
    static final List<String> COLUMNS = List.of("sepal_length", "sepal_width", "petal_length",
            "petal_width", "species", "Iris_setosa", "Iris_versicolor", "Iris_virginica");
    static final List<String> TYPES = List.of("C", "C", "C", "C", "T", "B", "B", "B");
    static final int[] PREDICT_ROWS = {0, 50, 100, 149};
    static final int BATCH = 25;

    private Example() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (SymscoreException e) {
            System.err.println("error: " + e.getMessage()
                    + (e.status() == null ? "" : " [" + e.status() + ", HTTP " + e.httpCode() + "]"));
            System.exit(1);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) throws IOException {
        String pid = args.length > 0 ? args[0] : env("SYMSCORE_PID", "irisExample");
        Credentials cred;
        try {
            cred = Credentials.fromEnvironment();
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: [SYMSCORE_URL=...] [SYMSCORE_CID=... SYMSCORE_SECRET=... | SYMSCORE_DATA_DIR=...] Example [pid]");
            return 2;
        }
        List<List<String>> rows = readCsv(irisPath());
        SymscoreClient client = cred.builder()
                .sessionFrames("1".equals(System.getenv("SYMSCORE_SESSION_FRAMES")))
                .build();

        client.createProject(pid, "cpu", Map.of());
        System.err.println("created project " + pid);
        boolean done = false;
        try {
            learn(client, pid, rows);
            MLContext ctx = MLContext.builder()
                    .targetNames("Iris_virginica")
                    .inputNames("sepal_length", "sepal_width", "petal_length", "petal_width")
                    .build();
            Reply built = client.build(pid, "lda", "lda1", ctx);
            System.err.println("built model lda1: " + built.statusString());
            predict(client, pid, rows);
            done = true;
        } finally {
            try {
                client.deleteProject(pid);
                System.err.println("deleted project " + pid);
            } catch (SymscoreException e) {
                if (done) {
                    throw e;
                }
                System.err.println("cannot delete project " + pid + ": " + e.getMessage()); // the first error wins
            }
        }
        return 0;
    }

    /** Learns all rows over one WebSocket, BATCH rows per message, all messages pipelined. */
    static void learn(SymscoreClient client, String pid, List<List<String>> rows) {
        try (Session s = client.learnSession(pid)) {
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < rows.size(); i += BATCH) {
                DataFrame.Builder b = DataFrame.builder().columns(COLUMNS, TYPES);
                for (List<String> r : rows.subList(i, Math.min(rows.size(), i + BATCH))) {
                    b.row(r);
                }
                replies.add(s.send(b.build()));
            }
            for (CompletableFuture<Reply> f : replies) {
                Session.await(f, Duration.ofSeconds(30));
            }
            System.err.println("learned " + rows.size() + " rows in " + replies.size() + " messages");
        }
    }

    /** Scores PREDICT_ROWS over one WebSocket, one message per row, and prints the results. */
    static void predict(SymscoreClient client, String pid, List<List<String>> rows) {
        try (Session s = client.predictSession(pid, "lda1")) {
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i : PREDICT_ROWS) {
                DataFrame df = DataFrame.builder()
                        .columns(COLUMNS.subList(0, 4), TYPES.subList(0, 4))
                        .row(rows.get(i).subList(0, 4))
                        .build();
                replies.add(s.send(df));
            }
            for (int k = 0; k < PREDICT_ROWS.length; k++) {
                List<Map<String, String>> p = Session.await(replies.get(k), Duration.ofSeconds(30)).predictions();
                if (p.size() != 1) {
                    throw new SymscoreException("want 1 prediction, got " + p.size(), 0, -1, null);
                }
                System.out.println(formatLine(PREDICT_ROWS[k], p.get(0)));
            }
        }
    }

    /** {@code row=<i> key=value ...}, keys sorted, values as received, null as {@code null}. */
    static String formatLine(int row, Map<String, String> prediction) {
        StringBuilder b = new StringBuilder("row=").append(row);
        for (Map.Entry<String, String> e : new TreeMap<>(prediction).entrySet()) {
            b.append(' ').append(e.getKey()).append('=').append(e.getValue() == null ? "null" : e.getValue());
        }
        return b.toString();
    }

    static List<List<String>> readCsv(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !Arrays.asList(lines.get(0).split(",", -1)).equals(COLUMNS)) {
            throw new IOException(p + ": header is not " + String.join(",", COLUMNS));
        }
        List<List<String>> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (l.isEmpty()) {
                continue;
            }
            List<String> cells = Arrays.asList(l.split(",", -1));
            if (cells.size() != COLUMNS.size()) {
                throw new IOException(p + ": line " + (rows.size() + 2) + " has " + cells.size() + " cells");
            }
            rows.add(cells);
        }
        return rows;
    }

    static Path irisPath() throws IOException {
        String e = System.getenv("SYMSCORE_IRIS");
        if (e != null && !e.isEmpty()) {
            return Path.of(e);
        }
        for (String c : new String[] {"clients/testdata/iris.csv", "../testdata/iris.csv", "testdata/iris.csv",
            "../../testdata/iris.csv"}) {
            if (Files.isRegularFile(Path.of(c))) {
                return Path.of(c);
            }
        }
        throw new IOException("iris.csv not found: set SYMSCORE_IRIS");
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }
}
