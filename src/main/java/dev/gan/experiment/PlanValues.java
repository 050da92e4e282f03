package dev.gan.experiment;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a sweep plan's values are written back to the user: in run names ({@code 003_g.lr-0.0002_seed-2}), in a run's
 * overrides, and in "(got ...)" of a plan error.
 */
final class PlanValues {
    private static final int NAME_LENGTH = 80;

    private PlanValues() {
    }

    static String runList(List<String> names, int total) {
        if (names.size() == 1) return "run " + names.get(0);
        if (names.size() == total) return "all " + total + " runs";
        String shown = String.join(", ", names.subList(0, Math.min(3, names.size())));
        return "runs " + shown + (names.size() > 3 ? " and " + (names.size() - 3) + " more" : "");
    }

    /** Leaf key names that more than one varied key ends with (g.lr and d.lr): those keep their section in names. */
    static Set<String> ambiguousLeaves(List<List<PlanReader.Setting>> points) {
        Map<String, Set<String>> byLeaf = new HashMap<>();
        for (List<PlanReader.Setting> point : points) {
            for (PlanReader.Setting s : point) byLeaf.computeIfAbsent(leaf(s.key()), k -> new LinkedHashSet<>()).add(s.key());
        }
        Set<String> out = new LinkedHashSet<>();
        byLeaf.forEach((leaf, keys) -> {
            if (keys.size() > 1) out.add(leaf);
        });
        return out;
    }

    private static String leaf(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** {@code 003_g.lr-0.0002_beta1-0.5_seed-2}: the number keeps names unique, the rest makes them readable. */
    static String runName(int index, List<PlanReader.Setting> point, Set<String> ambiguous) {
        StringBuilder sb = new StringBuilder(String.format("%03d", index));
        for (PlanReader.Setting s : point) {
            String leaf = leaf(s.key());
            String shown = leaf;
            if (ambiguous.contains(leaf) && s.key().contains(".")) {
                String parent = s.key().substring(0, s.key().length() - leaf.length() - 1);
                shown = leaf(parent) + "." + leaf;
            }
            sb.append('_').append(shown).append('-').append(display(s.value()).replaceAll("[^A-Za-z0-9._-]", "_"));
        }
        return sb.length() <= NAME_LENGTH ? sb.toString() : sb.substring(0, NAME_LENGTH);
    }

    /** A plan value for "(got ...)": numbers as numbers, text quoted, lists and sections by kind. */
    static Object shown(JsonNode n) {
        if (n.isNumber()) return n.numberValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isArray()) return new Kind("a list");
        if (n.isObject()) return new Kind("a section");
        return n.asText();
    }

    /** Shown as is, where a string would be quoted. */
    private record Kind(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A value as the user would write it: 0.0002 rather than 2.0E-4. */
    static String display(JsonNode v) {
        if (v.isFloatingPointNumber() && Double.isFinite(v.asDouble())) {
            return BigDecimal.valueOf(v.asDouble()).stripTrailingZeros().toString();
        }
        return v.asText();
    }
}
