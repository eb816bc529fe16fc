package io.symscore.client;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Known-answer tests of the signer: the four vectors of docs/protocol.md, dates, uniqueness. */
public final class SignerTest {
    static final String SECRET = "A1ciUrDJgm5LIJU710bxeQ==";
    static final String DATE = "2025-11-16 20:11:50;294669000";
    static final String LEARN_PAYLOAD = "{\"attributeNames\":[\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\",\"sepal_lengt_b1\",\"sepal_lengt_b2\",\"sepal_width_b1\",\"sepal_width_b2\",\"petal_length_b1\",\"petal_length_b2\",\"petal_width_b1\",\"petal_width_b2\",\"Iris_setosa\",\"Iris_versicolor\",\"Iris_virginica\"],\"data\":[[\"4.3\",\"3\",\"1.1\",\"0.1\",\"1\",\"0\",\"0\",\"1\",\"1\",\"0\",\"1\",\"0\",\"1\",\"0\",\"0\"],[\"4.8\",\"3\",\"1.4\",\"0.1\",\"1\",\"0\",\"0\",\"1\",\"1\",\"0\",\"1\",\"0\",\"1\",\"0\",\"0\"]],\"attributeTypes\":[\"C\",\"C\",\"C\",\"C\",\"B\",\"B\",\"B\",\"B\",\"B\",\"B\",\"B\",\"B\",\"B\",\"B\",\"B\"],\"errorHandling\":1}";
    static final String LEARN_MESSAGE = "147,{\"headers\":[\"2025-11-16 20:11:50;294669000\",\"QIrbsrJcSCNAYVFjcjkHMw==\",\"5+38zLMsXJlRj56cwn4S07vmdPkSArnYRhm/MldCWng=\",\"c1\"],\"extraKeys\":[\"rtest1\"]}" + LEARN_PAYLOAD;
    static final String PREDICT_PAYLOAD = "{\"attributeNames\":[\"sepal_length\",\"sepal_width\",\"petal_length\"],\"data\":[[\"4.3\",\"3\",\"1.1\"]],\"attributeTypes\":[\"C\",\"C\",\"C\"]}";
    static final String BUILD_BODY = "{\"targets\":[\"12\"],\"inputAttributes\":[\"0\",\"1\",\"2\",\"3\"],\"extraParameters\":{}}";

    private SignerTest() {
    }

    public static void main(String[] args) {
        run();
        Check.exit("SignerTest");
    }

    static void run() {
        Signer s = new Signer("c1", SECRET);

        Check.group("ws learn vector", () -> {
            Check.eq("ws learn: whole message", LEARN_MESSAGE,
                    s.frame(DATE, LEARN_PAYLOAD, "ws://charm:8080/symetry/ws/learn", List.of("rtest1")));
            Check.eq("ws learn: md5", "QIrbsrJcSCNAYVFjcjkHMw==", Signer.contentMD5(LEARN_PAYLOAD));
        });

        Check.group("ws predict vector", () -> {
            String msg = s.frame(DATE, PREDICT_PAYLOAD, "ws://charm:8080/symetry/ws/predict",
                    List.of("irisTest", "testLDA"));
            int comma = msg.indexOf(',');
            Check.eq("ws predict: header length", "159", msg.substring(0, comma));
            String header = msg.substring(comma + 1, comma + 1 + 159);
            Check.eq("ws predict: payload follows header", PREDICT_PAYLOAD, msg.substring(comma + 1 + 159));
            Check.eq("ws predict: header", "{\"headers\":[\"" + DATE + "\",\"bPXTb+OmmWaRw/5xwdpfyw==\","
                    + "\"uGFPh96htcxQ7/vtI6RCjuMAVje92dcq617z+RMjQWM=\",\"c1\"],\"extraKeys\":[\"irisTest\",\"testLDA\"]}", header);
        });

        Check.group("rest info vector", () -> {
            Signer.RestHeaders h = s.signRest(DATE, "GET", "/symetry/rest/c1/projects/irisTest/info", null, null);
            Check.eq("rest info: md5 empty", "", h.contentMD5);
            Check.eq("rest info: signature", "k//rgtxhG24fM8p/DA0RZNHkBmkhxr9WlmM+IBRWYWg=", h.signature);
            Check.eq("rest info: date", DATE, h.date);
        });

        Check.group("rest build vector", () -> {
            String body = MLContext.builder().targets(12).inputs(0, 1, 2, 3).build().toJson();
            Check.eq("rest build: MLContext body", BUILD_BODY, body);
            Signer.RestHeaders h = s.signRest(DATE, "POST", "/symetry/rest/c1/projects/irisTest/build",
                    "algo=lda&modelid=lda1", body);
            Check.eq("rest build: md5", "4X9CgBqOcvXkRJ0a2NYnHw==", h.contentMD5);
            Check.eq("rest build: signature", "Igg4xCVfhmY7ycYXYhzwjvDz7rs+3AmgHrwQzyx1ZkA=", h.signature);
        });

        Check.group("learn vector payload from the DataFrame builder", () -> {
            DataFrame.Builder b = DataFrame.builder();
            String[] names = {"sepal_length", "sepal_width", "petal_length", "petal_width",
                "sepal_lengt_b1", "sepal_lengt_b2", "sepal_width_b1", "sepal_width_b2",
                "petal_length_b1", "petal_length_b2", "petal_width_b1", "petal_width_b2",
                "Iris_setosa", "Iris_versicolor", "Iris_virginica"};
            for (int i = 0; i < names.length; i++) {
                b.column(names[i], i < 4 ? "C" : "B");
            }
            b.row("4.3", "3", "1.1", "0.1", "1", "0", "0", "1", "1", "0", "1", "0", "1", "0", "0");
            b.row("4.8", "3", "1.4", "0.1", "1", "0", "0", "1", "1", "0", "1", "0", "1", "0", "0");
            Check.eq("dataframe json", LEARN_PAYLOAD, b.errorHandling(1).build().toJson());
        });

        Check.group("string to sign layout", () -> {
            Check.eq("ws string to sign", "M\n" + SECRET + "\nD\nc1\nP\nU\nk1\nk2\n",
                    s.wsStringToSign("D", "M", "P", "U", List.of("k1", "k2")));
            Check.eq("rest string to sign, no body, no query", "GET\n\n" + SECRET + "\nD\nc1\n/r\n",
                    s.restStringToSign("GET", "D", "", null, "/r", null));
            Check.eq("rest string to sign, body and query", "POST\nM\n" + SECRET + "\nD\nc1\nB\n/r\nq=1\n",
                    s.restStringToSign("POST", "D", "M", "B", "/r", "q=1"));
        });

        Check.group("date format", () -> {
            Instant t = Instant.parse("2025-11-16T20:11:50.294669Z");
            long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
            Check.eq("vector date", DATE, Signer.formatDate(nanos));
            Check.eq("epoch", "1970-01-01 00:00:00;000000000", Signer.formatDate(0));
            Check.eq("one ns", "1970-01-01 00:00:00;000000001", Signer.formatDate(1));
            Check.eq("before epoch", "1969-12-31 23:59:59;999999999", Signer.formatDate(-1));
        });

        Check.group("dates strictly increase on a stuck or backward clock", () -> {
            long[] clock = {1_000_000_000L};
            Signer stuck = new Signer("c1", SECRET, () -> clock[0]);
            Check.eq("first date is the clock", "1970-01-01 00:00:01;000000000", stuck.nextDate());
            Check.eq("same clock: +1 ns", "1970-01-01 00:00:01;000000001", stuck.nextDate());
            clock[0] = 500;
            Check.eq("clock steps back: +1 ns", "1970-01-01 00:00:01;000000002", stuck.nextDate());
            clock[0] = 2_000_000_000L;
            Check.eq("clock moves on", "1970-01-01 00:00:02;000000000", stuck.nextDate());
        });

        Check.group("dates unique across threads", () -> {
            Signer shared = new Signer("c1", SECRET, () -> 42L);
            Set<String> seen = ConcurrentHashMap.newKeySet();
            Thread[] ts = new Thread[4];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = new Thread(() -> {
                    for (int k = 0; k < 5000; k++) {
                        seen.add(shared.nextDate());
                    }
                });
                ts[i].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            Check.eq("20000 distinct dates", 20000, seen.size());
        });

        Check.group("signatures of successive frames differ", () -> {
            Signer sys = new Signer("c1", SECRET);
            Set<String> sigs = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                String m = sys.frame(PREDICT_PAYLOAD, "ws://h/symetry/ws/learn", List.of("p"));
                sigs.add(m.substring(0, m.indexOf("\"c1\"")));
            }
            Check.eq("1000 distinct headers", 1000, sigs.size());
        });

        Check.group("non-ASCII: header length counts bytes", () -> {
            String msg = s.frame(DATE, "{}", "ws://h/symetry/ws/learn", List.of("pé\"x"));
            int comma = msg.indexOf(',');
            int n = Integer.parseInt(msg.substring(0, comma));
            byte[] rest = msg.substring(comma + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String header = new String(rest, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            Check.ok("header ends at N bytes", header.endsWith("\"extraKeys\":[\"pé\\\"x\"]}"), header);
            Check.eq("payload after N bytes", "{}", new String(rest, n, rest.length - n,
                    java.nio.charset.StandardCharsets.UTF_8));
        });

        Check.raises("secret not base64", IllegalArgumentException.class, () -> new Signer("c1", "not base64!"));
        Check.raises("empty secret", IllegalArgumentException.class, () -> new Signer("c1", ""));
        Check.raises("empty cid", IllegalArgumentException.class, () -> new Signer("", SECRET));
    }
}
