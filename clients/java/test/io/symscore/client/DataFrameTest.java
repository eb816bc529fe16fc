package io.symscore.client;

import java.util.Arrays;
import java.util.Map;

/** Tests of DataFrame and MLContext serialization and validation. */
public final class DataFrameTest {
    private DataFrameTest() {
    }

    public static void main(String[] args) {
        run();
        Check.exit("DataFrameTest");
    }

    static void run() {
        Check.group("serialization", () -> {
            DataFrame df = DataFrame.builder().column("a", "C").column("k\"ind", "T")
                    .row("1.5", "x").row(null, "é\n").build();
            Check.eq("json", "{\"attributeNames\":[\"a\",\"k\\\"ind\"],\"data\":[[\"1.5\",\"x\"],[\"\",\"é\\n\"]],"
                    + "\"attributeTypes\":[\"C\",\"T\"]}", df.toJson());
            Check.eq("parses back", Map.of("attributeNames", Arrays.asList("a", "k\"ind"),
                    "data", Arrays.asList(Arrays.asList("1.5", "x"), Arrays.asList("", "é\n")),
                    "attributeTypes", Arrays.asList("C", "T")), Json.parse(df.toJson()));
            DataFrame empty = DataFrame.builder().column("a", "C").errorHandling(0).build();
            Check.eq("no rows", "{\"attributeNames\":[\"a\"],\"data\":[],\"attributeTypes\":[\"C\"],\"errorHandling\":0}",
                    empty.toJson());
        });

        Check.group("validation", () -> {
            Check.raises("bad type", IllegalArgumentException.class, () -> DataFrame.builder().column("a", "L"));
            Check.raises("lower-case type", IllegalArgumentException.class, () -> DataFrame.builder().column("a", "c"));
            Check.raises("row too short", IllegalArgumentException.class,
                    () -> DataFrame.builder().column("a", "C").column("b", "C").row("1"));
            Check.raises("row too long", IllegalArgumentException.class,
                    () -> DataFrame.builder().column("a", "C").row("1", "2"));
            Check.raises("column after row", IllegalStateException.class,
                    () -> DataFrame.builder().column("a", "C").row("1").column("b", "C"));
            Check.raises("row before columns", IllegalStateException.class, () -> DataFrame.builder().row("1"));
            Check.raises("errorHandling 2", IllegalArgumentException.class, () -> DataFrame.builder().errorHandling(2));
            DataFrame.Builder b = DataFrame.builder().column("a", "C").row("1");
            DataFrame first = b.build();
            b.row("2");
            Check.eq("built frame unaffected by the builder", 1, first.rows().size());
        });

        Check.group("MLContext", () -> {
            Check.eq("by name", "{\"targetAttributeNames\":[\"Iris_virginica\"],\"inputAttributeNames\":[\"a\",\"b\"],"
                    + "\"extraParameters\":{\"alpha\":\"1.0\"}}",
                    MLContext.builder().targetNames("Iris_virginica").inputNames("a", "b").param("alpha", "1.0").build().toJson());
            Check.eq("inputs only", "{\"inputAttributes\":[\"0\"],\"extraParameters\":{}}",
                    MLContext.builder().inputs(0).build().toJson());
            Check.raises("index and name", IllegalStateException.class,
                    () -> MLContext.builder().targets(1).inputNames("a").build());
        });
    }
}
