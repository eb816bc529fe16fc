package io.symscore.client;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Tests of the JSON reader and writer, including escapes and hostile input. */
public final class JsonTest {
    private JsonTest() {
    }

    public static void main(String[] args) {
        run();
        Check.exit("JsonTest");
    }

    static void run() {
        Check.group("values", () -> {
            Map<String, Object> want = new LinkedHashMap<>();
            want.put("a", 1L);
            want.put("b", Arrays.asList("x", null, true, false));
            want.put("c", Map.of());
            want.put("d", -2.5e3);
            Check.eq("object", want, Json.parse(" {\"a\":1 ,\"b\" : [\"x\",null,true,false],\n\"c\":{},\"d\":-2.5E3}\t"));
            Check.eq("empty array", List.of(), Json.parse("[]"));
            Check.eq("nested", List.of(List.of(List.of())), Json.parse("[[[]]]"));
            Check.eq("repeated key keeps last", Map.of("k", 2L), Json.parse("{\"k\":1,\"k\":2}"));
        });

        Check.group("numbers", () -> {
            Check.eq("zero", 0L, Json.parse("0"));
            Check.eq("negative zero is a double", -0.0, Json.parse("-0.0"));
            Check.eq("long", 9223372036854775807L, Json.parse("9223372036854775807"));
            Check.eq("past long: double", 9223372036854775808.0, Json.parse("9223372036854775808"));
            Check.eq("fraction", 0.1, Json.parse("0.1"));
            Check.eq("exponent", 1e-300, Json.parse("1e-300"));
            Check.eq("shortest round trip", 0.9990663400094721, Json.parse("0.9990663400094721"));
        });

        Check.group("string escapes", () -> {
            Check.eq("simple escapes", "\"\\/\b\f\n\r\t", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
            Check.eq("unicode escape", "é", Json.parse("\"\\u00e9\""));
            Check.eq("upper-case hex", "\u00C9", Json.parse("\"\\u00C9\""));
            Check.eq("surrogate pair", "\uD83D\uDE00", Json.parse("\"\\ud83d\\ude00\""));
            Check.eq("raw UTF-8 text", "größe €", Json.parse("\"größe €\""));
            Check.eq("mixed", "a\"b\u0001c", Json.parse("\"a\\\"b\\u0001c\""));
        });

        String[] bad = {
            "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "-", "1.",
            ".5", "+1", "1e", "1e+", "NaN", "Infinity", "-Infinity", "tru", "nul", "\"abc",
            "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\u١٢٣٤\"", "{} x", "[] []", "'a'",
            "{\"a\":}", "[,1]", "\"\\", "0x10", "1_000",
        };
        for (String b : bad) {
            Check.raises("refuses " + b.replace("\n", "\\n"), IllegalArgumentException.class, () -> Json.parse(b));
        }

        Check.group("depth limit", () -> {
            String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
            Check.ok("at the limit", Json.parse(ok) instanceof List);
            String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
            Check.raises("past the limit", IllegalArgumentException.class, () -> Json.parse(deep));
            String hostile = "{\"a\":".repeat(100000);
            Check.raises("hostile nesting does not overflow the stack", IllegalArgumentException.class,
                    () -> Json.parse(hostile));
        });

        Check.group("error message says where", () -> {
            IllegalArgumentException e = Check.raises("bad", IllegalArgumentException.class,
                    () -> Json.parse("{\"a\":[1,2,x]}"));
            Check.ok("offset in message", e != null && e.getMessage().contains("offset 10"),
                    e == null ? null : e.getMessage());
        });

        Check.group("writer", () -> {
            Check.eq("escapes", "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u001f\u007fé/\"",
                    Json.write(new StringBuilder(), "q\"b\\n\nt\tc\u0001\u001f\u007fé/").toString());
            Check.eq("lone surrogates escaped", "\"\\ud800x\\udc00\"", Json.toJson("\uD800x\uDC00"));
            Check.eq("pair kept", "\"\uD83D\uDE00\"", Json.toJson("\uD83D\uDE00"));
            Check.eq("non-finite is null", "[null,null,1.5,2]",
                    Json.toJson(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, 1.5, 2L)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("z", "1");
            m.put("a", Map.of());
            Check.eq("map order kept", "{\"z\":\"1\",\"a\":{}}", Json.toJson(m));
        });

        Check.group("string round trip", () -> {
            Random r = new Random(7);
            int bad0 = 0;
            for (int i = 0; i < 2000; i++) {
                StringBuilder b = new StringBuilder();
                int n = r.nextInt(12);
                for (int k = 0; k < n; k++) {
                    switch (r.nextInt(4)) {
                        case 0: b.append((char) r.nextInt(0x80)); break;
                        case 1: b.append((char) r.nextInt(0x20)); break;
                        case 2: b.append((char) (0x80 + r.nextInt(0xD000))); break;
                        default: b.appendCodePoint(0x10000 + r.nextInt(0x10000)); break;
                    }
                }
                String s = b.toString();
                if (!s.equals(Json.parse(Json.toJson(s)))) {
                    bad0++;
                }
            }
            Check.eq("2000 random strings round-trip", 0, bad0);
        });
    }
}
