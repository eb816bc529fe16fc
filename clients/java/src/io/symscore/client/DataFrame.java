package io.symscore.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A symscore DataFrame: column names, column types and rows of string cells (docs/protocol.md 3).
 *
 * <p>Serialized exactly as {@code {"attributeNames":[...],"data":[[...],...],"attributeTypes":[...]}}
 * followed by {@code ,"errorHandling":N} when error handling was set. Types: {@code C}
 * continuous, {@code B} binary (0/1), {@code T} category, {@code X} ignored, {@code S} partition
 * column only. A null cell is sent as {@code ""} (a missing value: imputed in predict, refused in
 * learn and forget). Immutable once built; build with {@link #builder()}.
 */
public final class DataFrame {
    private final List<String> names;
    private final List<String> types;
    private final List<List<String>> rows;
    private final Integer errorHandling;

    private DataFrame(List<String> names, List<String> types, List<List<String>> rows,
                      Integer errorHandling) {
        this.names = names;
        this.types = types;
        this.rows = rows;
        this.errorHandling = errorHandling;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Column names. */
    public List<String> names() {
        return names;
    }

    /** Column type codes ("C", "B", "T", "X", "S"). */
    public List<String> types() {
        return types;
    }

    /** Rows, each as wide as {@link #names()}. */
    public List<List<String>> rows() {
        return rows;
    }

    /** The errorHandling value, or null when it is not sent. */
    public Integer errorHandling() {
        return errorHandling;
    }

    /** The JSON payload. */
    public String toJson() {
        int cells = rows.size() * Math.max(1, names.size());
        StringBuilder b = new StringBuilder(64 + cells * 8);
        b.append("{\"attributeNames\":");
        strings(b, names);
        b.append(",\"data\":[");
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            strings(b, rows.get(i));
        }
        b.append("],\"attributeTypes\":");
        strings(b, types);
        if (errorHandling != null) {
            b.append(",\"errorHandling\":").append(errorHandling.intValue());
        }
        return b.append('}').toString();
    }

    @Override
    public String toString() {
        return toJson();
    }

    private static void strings(StringBuilder b, List<String> l) {
        b.append('[');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            Json.quote(b, l.get(i));
        }
        b.append(']');
    }

    /** Builds a DataFrame; not safe for concurrent use. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<String> types = new ArrayList<>();
        private final List<List<String>> rows = new ArrayList<>();
        private Integer errorHandling;

        private Builder() {
        }

        /** Adds a column; columns must all be added before the first row. */
        public Builder column(String name, String type) {
            if (!rows.isEmpty()) {
                throw new IllegalStateException("columns must be added before rows");
            }
            if (name == null) {
                throw new IllegalArgumentException("column name is null");
            }
            if (!"C".equals(type) && !"B".equals(type) && !"T".equals(type) && !"X".equals(type)
                    && !"S".equals(type)) {
                throw new IllegalArgumentException("column \"" + name + "\": type " + type
                        + " is not one of C, B, T, X, S");
            }
            names.add(name);
            types.add(type);
            return this;
        }

        /** Adds columns; {@code types} has one code per name. */
        public Builder columns(List<String> names, List<String> types) {
            if (names.size() != types.size()) {
                throw new IllegalArgumentException(names.size() + " names but " + types.size() + " types");
            }
            for (int i = 0; i < names.size(); i++) {
                column(names.get(i), types.get(i));
            }
            return this;
        }

        /** Adds a row of exactly one cell per column; null cells are sent as "". */
        public Builder row(String... cells) {
            return row(Arrays.asList(cells));
        }

        /** Adds a row of exactly one cell per column; null cells are sent as "". */
        public Builder row(List<String> cells) {
            if (names.isEmpty()) {
                throw new IllegalStateException("add columns before rows");
            }
            if (cells.size() != names.size()) {
                throw new IllegalArgumentException("row " + rows.size() + " has " + cells.size()
                        + " cells, want " + names.size());
            }
            List<String> r = new ArrayList<>(cells.size());
            for (String c : cells) {
                r.add(c == null ? "" : c);
            }
            rows.add(Collections.unmodifiableList(r));
            return this;
        }

        /** Sets errorHandling (0: refuse the message on a bad row; 1: skip bad rows). */
        public Builder errorHandling(int mode) {
            if (mode != 0 && mode != 1) {
                throw new IllegalArgumentException("errorHandling must be 0 or 1");
            }
            this.errorHandling = mode;
            return this;
        }

        /** The DataFrame; the builder can be reused and is not affected by later changes. */
        public DataFrame build() {
            return new DataFrame(List.copyOf(names), List.copyOf(types), List.copyOf(rows),
                    errorHandling);
        }
    }
}
