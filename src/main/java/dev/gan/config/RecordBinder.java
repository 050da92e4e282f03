package dev.gan.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Binds a config tree to records, strictly: unknown keys are errors (with a "did you mean"), values must have the
 * component's type, and keys that are absent take the value of a defaults instance. Every problem is collected
 * rather than thrown, so one run of the loader reports all of them.
 *
 * <p>Hand-written rather than Jackson databind because databind stops at the first problem and cannot say which
 * line of which file, or which {@code --set} flag, a value came from.
 */
final class RecordBinder {
    private final Problems problems;
    private final List<String> knownPaths;

    RecordBinder(Problems problems, Class<? extends Record> rootType) {
        this.problems = problems;
        this.knownPaths = new ArrayList<>();
        collectPaths(rootType, "", knownPaths);
    }

    /** {@code latentSize} -> {@code latent_size}. */
    static String key(String componentName) {
        return componentName.replaceAll("([A-Z])", "_$1").toLowerCase();
    }

    @SuppressWarnings("unchecked")
    <R extends Record> R bind(JsonNode node, Class<R> type, R defaults, String path) {
        RecordComponent[] components = type.getRecordComponents();
        Set<String> keys = new HashSet<>();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            String key = key(c.getName());
            keys.add(key);
            types[i] = c.getType();
            Object fallback = read(c, defaults);
            JsonNode child = node.get(key);
            String childPath = path.isEmpty() ? key : path + "." + key;
            values[i] = child == null ? fallback : convert(child, c.getType(), fallback, childPath);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!keys.contains(name)) {
                String childPath = path.isEmpty() ? name : path + "." + name;
                problems.add(childPath, "unknown key " + childPath + suggestion(childPath));
            }
        }
        try {
            return (R) type.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object convert(JsonNode n, Class<?> type, Object fallback, String path) {
        if (Record.class.isAssignableFrom(type)) {
            if (!n.isObject()) {
                problems.check(false, path, "must be a section of keys", shown(n));
                return fallback;
            }
            return bind(n, (Class) type, (Record) fallback, path);
        }
        if (type == String.class) {
            if (n.isNull()) return null;
            if (n.isValueNode()) return n.asText();
            problems.check(false, path, "must be a single value", shown(n));
            return fallback;
        }
        if (type == int.class || type == long.class) {
            Long v = n.isIntegralNumber() ? Long.valueOf(n.asLong()) : parseLong(n);
            if (v == null || (n.isNumber() && !n.canConvertToExactIntegral())
                    || (type == int.class && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE))) {
                problems.check(false, path, "must be a whole number", shown(n));
                return fallback;
            }
            return type == int.class ? (Object) v.intValue() : (Object) v;
        }
        if (type == double.class) {
            Double v = n.isNumber() ? Double.valueOf(n.asDouble()) : parseDouble(n);
            if (v == null || !Double.isFinite(v)) {
                boolean nonFinite = v != null || n.isTextual() && n.asText().trim().matches("[-+]?\\.(nan|NaN|NAN|inf|Inf|INF)");
                problems.check(false, path, nonFinite ? "must be a finite number" : "must be a number", shown(n));
                return fallback;
            }
            return v;
        }
        if (type == boolean.class) {
            if (n.isBoolean()) return n.asBoolean();
            if (n.isTextual() && (n.asText().equals("true") || n.asText().equals("false"))) return Boolean.valueOf(n.asText());
            problems.check(false, path, "must be true or false", shown(n));
            return fallback;
        }
        throw new IllegalStateException("config type not supported: " + type);
    }

    // YAML 1.1 reads 2e-4 (no dot) as a string; numeric keys accept such text as the number it spells.
    private static Long parseLong(JsonNode n) {
        if (!n.isTextual()) return null;
        try {
            return Long.parseLong(n.asText().trim().replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseDouble(JsonNode n) {
        if (!n.isTextual()) return null;
        try {
            return Double.parseDouble(n.asText().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Object shown(JsonNode n) {
        if (n.isTextual()) return n.asText();
        if (n.isObject()) return "a section";
        if (n.isArray()) return "a list";
        return n.toString();
    }

    private static Object read(RecordComponent c, Object instance) {
        try {
            return c.getAccessor().invoke(instance);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    /** " (did you mean training.g.lr?)" for the closest known key, or "" when nothing is close. */
    String suggestion(String unknown) {
        String leaf = unknown.substring(unknown.lastIndexOf('.') + 1);
        // the right key in the wrong section ("training.lr") is the commonest slip: name every place it exists
        List<String> sameLeaf = knownPaths.stream().filter(k -> k.endsWith("." + leaf) || k.equals(leaf)).toList();
        if (!sameLeaf.isEmpty()) return " (did you mean " + String.join(" or ", sameLeaf) + "?)";
        String best = knownPaths.stream().min(Comparator.comparingInt((String k) -> distance(k, unknown))).orElse(null);
        if (best != null && distance(best, unknown) <= Math.max(2, unknown.length() / 4)) {
            return " (did you mean " + best + "?)";
        }
        String parent = unknown.contains(".") ? unknown.substring(0, unknown.lastIndexOf('.')) : "";
        List<String> siblings = knownPaths.stream()
                .filter(k -> parent.isEmpty() ? !k.contains(".") : k.startsWith(parent + ".") && k.indexOf('.', parent.length() + 1) < 0)
                .map(k -> k.substring(k.lastIndexOf('.') + 1)).toList();
        return siblings.isEmpty() ? "" : " (known keys here: " + String.join(", ", siblings) + ")";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static void collectPaths(Class<?> type, String prefix, List<String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String p = prefix.isEmpty() ? key(c.getName()) : prefix + "." + key(c.getName());
            out.add(p);
            if (Record.class.isAssignableFrom(c.getType())) collectPaths(c.getType(), p, out);
        }
    }

    /** The inverse of {@link #bind}: a record as a tree with snake_case keys (for writing resolved configs). */
    static ObjectNode toTree(Record r) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v = read(c, r);
            String k = key(c.getName());
            if (v == null) node.putNull(k);
            else if (v instanceof Record nested) node.set(k, toTree(nested));
            else if (v instanceof Integer i) node.put(k, i);
            else if (v instanceof Long l) node.put(k, l);
            else if (v instanceof Double d) node.put(k, d);
            else if (v instanceof Boolean b) node.put(k, b);
            else node.put(k, v.toString());
        }
        return node;
    }
}
