package dev.gan.config;

import dev.gan.UserException;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem found in a config so that the user sees all of them at once, each one prefixed by
 * where the key came from ({@code dcgan.yaml:14} or {@code --set training.g.lr=-1}).
 */
public final class Problems {
    private final Origins origins;
    private final List<String> messages = new ArrayList<>();

    public Problems(Origins origins) {
        this.origins = origins;
    }

    /** Records a problem about the key at {@code path} (dotted, e.g. {@code training.g.lr}). */
    public void add(String path, String message) {
        messages.add(origins.describe(path) + ": " + message);
    }

    /** Records {@code "<path> <rule> (got <value>)"} unless {@code ok}. */
    public void check(boolean ok, String path, String rule, Object value) {
        if (!ok) add(path, path + " " + rule + " (got " + show(value) + ")");
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Throws one {@link UserException} whose message lists every problem, one per line. */
    public void throwIfAny() {
        if (!messages.isEmpty()) throw new UserException(String.join("\n", messages));
    }

    static String show(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
