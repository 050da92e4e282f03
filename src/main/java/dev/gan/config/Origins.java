package dev.gan.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each key of a config tree came from: a line of the config file, or a {@code --set} flag.
 * Error messages start with this so the user can go straight to the place to fix.
 */
public final class Origins {
    private final String fileName;
    private final Map<String, Integer> lines = new HashMap<>();
    private final Map<String, String> overrides = new HashMap<>();

    public Origins(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }

    void line(String path, int line) {
        lines.put(path, line);
    }

    void override(String path, String flag) {
        overrides.put(path, flag);
        // the keys below an overridden object come from the flag too
        overrides.keySet().removeIf(p -> p.startsWith(path + ".") && !p.equals(path));
        lines.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "."));
    }

    /** {@code file:line} for a key from the file, the flag for an override, the nearest parent's place otherwise. */
    public String describe(String path) {
        for (String p = path; p != null; p = parent(p)) {
            if (overrides.containsKey(p)) return overrides.get(p);
            if (lines.containsKey(p)) return fileName + ":" + lines.get(p);
        }
        return fileName;
    }

    /** An independent copy. */
    public Origins copy() {
        Origins c = new Origins(fileName);
        c.lines.putAll(lines);
        c.overrides.putAll(overrides);
        return c;
    }

    /** The origins of the keys under {@code prefix}, with the prefix taken off (an inline section of a file). */
    public Origins section(String prefix) {
        Origins c = new Origins(fileName);
        lines.forEach((p, l) -> {
            if (p.startsWith(prefix + ".")) c.lines.put(p.substring(prefix.length() + 1), l);
        });
        return c;
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : path.substring(0, dot);
    }
}
