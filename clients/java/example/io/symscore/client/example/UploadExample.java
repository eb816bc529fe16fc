package io.symscore.client.example;

import io.symscore.client.Credentials;
import io.symscore.client.SymscoreClient;
import io.symscore.client.UploadException;
import io.symscore.client.UploadOptions;
import io.symscore.client.UploadResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Uploads a CSV file into a project and learns it as one change (docs/uploads.md).
 *
 * <p>Usage: {@code UploadExample [options] FILE PROJECT}, options {@code --resume ID},
 * {@code --node URL} (with {@code --resume}: the cluster node that holds the upload, as a failed
 * upload prints it), {@code --types C,C,T}, {@code --error-handling 0|1}, {@code --forget},
 * {@code --connections N}, {@code --window N}, {@code --chunk-size BYTES}. Environment as
 * {@link Example}: {@code SYMSCORE_URL}, {@code SYMSCORE_CID}, {@code SYMSCORE_SECRET} (or the
 * development customer of {@code SYMSCORE_DATA_DIR}), {@code SYMSCORE_CA_FILE}.
 *
 * <p>Standard output, one line: {@code upload=<id> job=<id> rows=<applied> skipped=<skipped>
 * sent=<bytes>} on success (exit 0); on failure (exit 1)
 * {@code failed upload=<id|-> node=<url|-> finalizing=<true|false> line=<n> field=<n> column=<name|->},
 * node {@code -} when the server names none (a single node), line and field -1 when the
 * failure names no cell. Progress (a line every tenth of each phase) and messages go to
 * standard error. Exit status 2 on usage.
 */
public final class UploadExample {
    private UploadExample() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        UploadOptions.Builder o = UploadOptions.builder();
        String[] last = {""};
        o.progress(p -> {
            String step = p.phase() + (int) (p.fraction() * 10);
            if (!step.equals(last[0])) {
                last[0] = step;
                System.err.printf("%s %.0f%%%n", p.phase(), 100 * p.fraction());
            }
        });
        String file = null;
        String pid = null;
        UploadOptions options;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--forget")) {
                    o.forget(true);
                } else if (a.startsWith("--") && i + 1 < args.length) {
                    String v = args[++i];
                    switch (a) {
                        case "--resume" -> o.resume(v);
                        case "--node" -> o.node(v);
                        case "--types" -> o.types(v);
                        case "--error-handling" -> o.errorHandling(Integer.parseInt(v));
                        case "--connections" -> o.connections(Integer.parseInt(v));
                        case "--window" -> o.window(Integer.parseInt(v));
                        case "--chunk-size" -> o.chunkSize(Integer.parseInt(v));
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                } else if (file == null) {
                    file = a;
                } else if (pid == null) {
                    pid = a;
                } else {
                    throw new IllegalArgumentException("unexpected argument " + a);
                }
            }
            if (pid == null) {
                throw new IllegalArgumentException("want FILE and PROJECT");
            }
            options = o.build();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: UploadExample [--resume ID [--node URL]] [--types C,C,T] [--error-handling 0|1] [--forget]"
                    + " [--connections N] [--window N] [--chunk-size BYTES] FILE PROJECT");
            return 2;
        }
        SymscoreClient client;
        try {
            client = Credentials.fromEnvironment().builder().build();
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        try {
            UploadResult r = client.upload(Path.of(file), pid, options);
            System.out.printf("upload=%s job=%s rows=%d skipped=%d sent=%d%n", r.uploadId(), r.jobId(),
                    r.rowsApplied(), r.rowsSkipped(), r.sent());
            return 0;
        } catch (UploadException e) {
            System.err.println("error: " + e.getMessage() + (e.uploadId() == null ? "" : " ("
                    + (e.finalizing() ? "finalize it again" : "resume it") + " with --resume " + e.uploadId()
                    + (e.node() == null ? "" : " --node " + e.node()) + ")"));
            System.out.printf("failed upload=%s node=%s finalizing=%b line=%d field=%d column=%s%n",
                    e.uploadId() == null ? "-" : e.uploadId(), e.node() == null ? "-" : e.node(), e.finalizing(),
                    e.line(), e.field(), e.column() == null ? "-" : e.column());
            return 1;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.out.println("failed upload=- node=- finalizing=false line=-1 field=-1 column=-");
            return 1;
        }
    }
}
