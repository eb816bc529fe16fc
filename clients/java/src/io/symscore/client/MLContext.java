package io.symscore.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model build or an exploration works on: targets and inputs, by project attribute index
 * or by name (not both), plus extra parameters such as {@code alpha} or {@code lambda}.
 *
 * <p>Serialized as {@code {"targets":[...],"inputAttributes":[...],"targetAttributeNames":[...],
 * "inputAttributeNames":[...],"extraParameters":{...}}}, leaving out the lists that are empty;
 * {@code extraParameters} is always present. Immutable once built.
 */
public final class MLContext {
    private final List<String> targets;
    private final List<String> inputs;
    private final List<String> targetNames;
    private final List<String> inputNames;
    private final Map<String, String> params;

    private MLContext(Builder b) {
        this.targets = List.copyOf(b.targets);
        this.inputs = List.copyOf(b.inputs);
        this.targetNames = List.copyOf(b.targetNames);
        this.inputNames = List.copyOf(b.inputNames);
        this.params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The JSON object. */
    public String toJson() {
        return Json.toJson(toMap());
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!targets.isEmpty()) {
            m.put("targets", targets);
        }
        if (!inputs.isEmpty()) {
            m.put("inputAttributes", inputs);
        }
        if (!targetNames.isEmpty()) {
            m.put("targetAttributeNames", targetNames);
        }
        if (!inputNames.isEmpty()) {
            m.put("inputAttributeNames", inputNames);
        }
        m.put("extraParameters", params);
        return m;
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Builds an MLContext; not safe for concurrent use. */
    public static final class Builder {
        private final List<String> targets = new ArrayList<>();
        private final List<String> inputs = new ArrayList<>();
        private final List<String> targetNames = new ArrayList<>();
        private final List<String> inputNames = new ArrayList<>();
        private final Map<String, String> params = new LinkedHashMap<>();

        private Builder() {
        }

        /** Target attributes by project index. */
        public Builder targets(int... indexes) {
            for (int i : indexes) {
                targets.add(Integer.toString(i));
            }
            return this;
        }

        /** Input attributes by project index. */
        public Builder inputs(int... indexes) {
            for (int i : indexes) {
                inputs.add(Integer.toString(i));
            }
            return this;
        }

        /** Target attributes by name. */
        public Builder targetNames(String... names) {
            targetNames.addAll(Arrays.asList(names));
            return this;
        }

        /** Input attributes by name. */
        public Builder inputNames(String... names) {
            inputNames.addAll(Arrays.asList(names));
            return this;
        }

        /** An extra parameter, e.g. {@code param("alpha", "1.0")}. */
        public Builder param(String key, String value) {
            params.put(key, value);
            return this;
        }

        /** The MLContext. */
        public MLContext build() {
            boolean byIndex = !targets.isEmpty() || !inputs.isEmpty();
            boolean byName = !targetNames.isEmpty() || !inputNames.isEmpty();
            if (byIndex && byName) {
                throw new IllegalStateException("attributes by index or by name, not both");
            }
            return new MLContext(this);
        }
    }
}
