package io.symscore.client;

import java.util.List;
import java.util.Map;

/** Tests of reply envelope parsing and the typed accessors. */
public final class ReplyTest {
    private ReplyTest() {
    }

    public static void main(String[] args) {
        run();
        Check.exit("ReplyTest");
    }

    static void run() {
        Check.group("learn OK", () -> {
            Reply r = Reply.parse("{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{}}");
            Check.eq("status", Status.OK, r.status());
            Check.eq("statusString", "OK", r.statusString());
            Check.eq("values", Map.of(), r.values());
            Check.eq("http code from name", 200, r.httpCode());
            Check.ok("success", r.isSuccess());
            Check.eq("no rowsApplied", null, r.number("rowsApplied"));
        });

        Check.group("error handling counts", () -> {
            Reply r = Reply.parse("{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"rowsApplied\":148,\"rowsSkipped\":2}}");
            Check.eq("applied", 148L, r.number("rowsApplied"));
            Check.eq("skipped", 2L, r.number("rowsSkipped"));
        });

        Check.group("predictions", () -> {
            Reply r = Reply.parse("{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"KSVSMap\":{\"values\":"
                    + "[{\"res\":\"1\",\"prob\":\"0.97\",\"normZ\":null},{\"res\":\"0\",\"prob\":\"1e-300\",\"normZ\":\"0.2\"}]}}}");
            List<Map<String, String>> p = r.predictions();
            Check.eq("rows", 2, p.size());
            Check.eq("res", "1", p.get(0).get("res"));
            Check.eq("prob kept as string", "1e-300", p.get(1).get("prob"));
            Check.ok("null kept", p.get(0).containsKey("normZ") && p.get(0).get("normZ") == null);
            Check.eq("key order as sent", List.of("res", "prob", "normZ"), List.copyOf(p.get(0).keySet()));
        });

        Check.group("statistics", () -> {
            Reply r = Reply.parse("{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"KSVDMap\":{\"values\":"
                    + "[{\"count\":150,\"mean\":5.843333333333334,\"variance\":null}]}}}");
            List<Map<String, Double>> s = r.statistics();
            Check.eq("count", 150.0, s.get(0).get("count"));
            Check.eq("mean", 5.843333333333334, s.get(0).get("mean"));
            Check.ok("null", s.get(0).containsKey("variance") && s.get(0).get("variance") == null);
        });

        Check.group("info and lists", () -> {
            Reply r = Reply.parse("{\"statusCode\":\"OK\",\"statusString\":\"OK\",\"values\":{\"smlInfo\":{\"pid\":\"p\",\"rows\":150},"
                    + "\"stringList\":{\"values\":[\"a\",\"b\"]}}}");
            Check.eq("smlInfo.pid", "p", r.object("smlInfo").get("pid"));
            Check.eq("stringList", List.of("a", "b"), r.stringList());
        });

        Check.group("unauthorized", () -> {
            Reply r = Reply.parse("{\"statusCode\":\"UNAUTHORIZED\",\"statusString\":\"bad signature\","
                    + "\"values\":{\"stringToSign\":\"m\\nSECRETKEY\\n\"}}");
            Check.ok("not success", !r.isSuccess());
            SymscoreException e = new SymscoreException(r);
            Check.eq("status", "UNAUTHORIZED", e.status());
            Check.eq("enum", Status.UNAUTHORIZED, e.statusEnum());
            Check.eq("http", 401, e.httpCode());
            Check.eq("string to sign", "m\nSECRETKEY\n", e.stringToSign());
            Check.eq("message", "UNAUTHORIZED: bad signature", e.getMessage());
        });

        Check.group("status codes", () -> {
            String[] names = {"OK", "CREATED", "ACCEPTED", "BAD_REQUEST", "UNAUTHORIZED", "CONFLICT",
                "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"};
            int[] codes = {200, 201, 202, 400, 401, 409, 500, 503};
            for (int i = 0; i < names.length; i++) {
                Reply r = Reply.parse("{\"statusCode\":\"" + names[i] + "\",\"statusString\":\"x\",\"values\":{}}");
                Check.eq(names[i] + " http code", codes[i], r.httpCode());
                Check.eq(names[i] + " success", codes[i] < 300, r.isSuccess());
            }
            Reply u = Reply.parse("{\"statusCode\":\"TEAPOT\",\"statusString\":\"x\"}");
            Check.eq("unknown name", null, u.status());
            Check.eq("unknown http code", 0, u.httpCode());
            Check.ok("unknown is not success", !u.isSuccess());
            Check.eq("REST http code wins", 409, Reply.parse("{\"statusCode\":\"CONFLICT\"}", 409, null).httpCode());
        });

        String[] bad = {
            "", "[]", "\"OK\"", "{}", "{\"statusCode\":1}", "{\"statusCode\":\"OK\",\"values\":[]}",
            "{\"statusCode\":\"OK\",\"statusString\":3}", "{\"statusCode\":\"OK\"", "not json",
        };
        for (String b : bad) {
            SymscoreException e = Check.raises("malformed envelope " + b, SymscoreException.class, () -> Reply.parse(b));
            Check.ok("malformed has no status " + b, e == null || e.status() == null);
        }

        Check.group("wrong shapes", () -> {
            Reply noMap = Reply.parse("{\"statusCode\":\"OK\",\"values\":{}}");
            Check.raises("no KSVSMap", SymscoreException.class, noMap::predictions);
            Check.raises("no KSVDMap", SymscoreException.class, noMap::statistics);
            Check.raises("no smlInfo", SymscoreException.class, () -> noMap.object("smlInfo"));
            Reply num = Reply.parse("{\"statusCode\":\"OK\",\"values\":{\"KSVSMap\":{\"values\":[{\"res\":1}]}}}");
            Check.raises("KSVSMap number", SymscoreException.class, num::predictions);
            Reply str = Reply.parse("{\"statusCode\":\"OK\",\"values\":{\"KSVDMap\":{\"values\":[{\"mean\":\"1\"}]}}}");
            Check.raises("KSVDMap string", SymscoreException.class, str::statistics);
        });
    }
}
