package dev.gan.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gan.UserException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first half of the config funnel: a YAML or JSON file (by extension) read into a tree that remembers the line
 * of every key, with {@code --set key.path=value} overrides applied on top. Shared by experiment configs and sweep
 * plans so that both report errors the same way.
 */
public final class ConfigTree {
    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode root;
    private final Origins origins;

    private ConfigTree(ObjectNode root, Origins origins) {
        this.root = root;
        this.origins = origins;
    }

    public ObjectNode root() {
        return root;
    }

    public Origins origins() {
        return origins;
    }

    /** Reads a config file; every failure is a one-line {@link UserException} naming the file. */
    public static ConfigTree read(Path file) {
        String name = file.toString();
        String lower = name.toLowerCase();
        boolean json = lower.endsWith(".json");
        if (!json && !lower.endsWith(".yaml") && !lower.endsWith(".yml")) {
            throw new UserException(name + ": unknown config format; name the file .yaml, .yml or .json");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException(name + ": no such file; give the path of a config, e.g. configs/dcgan.yaml");
        } catch (CharacterCodingException e) {
            throw notText(name);
        } catch (IOException e) {
            throw new UserException(name + ": cannot read the file (" + e.getMessage() + ")");
        }
        // valid UTF-8 can still be binary (NUL bytes); YAML would then complain about a character, not the file
        if (text.indexOf('\0') >= 0) throw notText(name);
        return parse(text, name, json);
    }

    private static UserException notText(String name) {
        return new UserException(name + ": is not a UTF-8 text file; a config is YAML or JSON text (check the path, "
                + "or save the file as UTF-8)");
    }

    /** Parses config text; {@code fileName} is only used in messages. */
    public static ConfigTree parse(String text, String fileName, boolean json) {
        ObjectMapper mapper = json ? JSON : YAML;
        String kind = json ? "JSON" : "YAML";
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            String where = line > 0 ? fileName + ":" + line : fileName;
            String why = e.getOriginalMessage().lines().findFirst().orElse("").trim();
            String nonFinite = nonFiniteKey(e);
            if (nonFinite != null) {
                throw new UserException(where + ": " + nonFinite + " must be a finite number (got "
                        + why.substring(why.indexOf('\'') + 1, why.lastIndexOf('\'')) + ")");
            }
            throw new UserException(where + ": malformed " + kind + ": " + why);
        }
        if (node == null || node.isMissingNode() || node.isNull() || (node.isObject() && node.isEmpty())) {
            throw new UserException(fileName + ": the file is empty; a config needs data, model and training "
                    + "sections (start from configs/dcgan.yaml)");
        }
        if (!node.isObject()) {
            throw new UserException(fileName + ": the top level must be a mapping of keys such as data:, model:, "
                    + "training: (got " + (node.isArray() ? "a list" : "a single value") + ")");
        }
        Origins origins = new Origins(fileName);
        recordLines(mapper, text, origins);
        return new ConfigTree((ObjectNode) node, origins);
    }

    /**
     * The key whose value is YAML's {@code .nan} or {@code .inf}, when that is why parsing failed (the YAML parser
     * cannot make a number of them), else null. The config has no use for a value that is not finite.
     */
    private static String nonFiniteKey(JsonProcessingException e) {
        String why = e.getOriginalMessage();
        if (why == null || !why.matches("(?s)Malformed numeric value '[-+]?\\.(nan|NaN|NAN|inf|Inf|INF)'.*")) return null;
        if (!(e.getProcessor() instanceof JsonParser p)) return null;
        String path = p.getParsingContext().pathAsPointer().toString();
        return path.isEmpty() ? null : path.substring(1).replace('/', '.');
    }

    /**
     * Records the line of every key, and rejects a key given twice in one section: Jackson keeps the last value
     * silently, and its own duplicate detection names only the second line, where the user needs both.
     */
    private static void recordLines(ObjectMapper mapper, String text, Origins origins) {
        List<String> duplicates = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        String repeated = null;   // the key just read when it repeats an earlier one: its value tells key or section
        int repeatedLine = 0;
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (repeated != null) {
                    duplicates.add(duplicate(origins.fileName(), repeated, firstLine.get(repeated), repeatedLine,
                            t == JsonToken.START_OBJECT));
                    repeated = null;
                }
                var ctx = p.getParsingContext();
                // keys, and the items of lists (a sweep plan's values: grid.training.g.lr.1, runs.0)
                var at = t == JsonToken.FIELD_NAME || (t.isScalarValue() && ctx.inArray()) ? ctx
                        : t.isStructStart() && ctx.getParent() != null && ctx.getParent().inArray() ? ctx.getParent() : null;
                if (at != null) {
                    String pointer = at.pathAsPointer().toString();
                    String path = pointer.substring(1).replace('/', '.');
                    int line = p.currentTokenLocation().getLineNr();
                    origins.line(path, line);
                    if (t == JsonToken.FIELD_NAME && firstLine.putIfAbsent(path, line) != null) {
                        repeated = path;
                        repeatedLine = line;
                    }
                }
            }
        } catch (IOException e) {
            // already parsed once without error; lines are only a help for messages
        }
        if (!duplicates.isEmpty()) throw new UserException(String.join("\n", duplicates));
    }

    private static String duplicate(String file, String path, int first, int again, boolean section) {
        return file + ":" + again + ": " + (section
                ? "section " + path + " is given twice (lines " + first + " and " + again + "); merge the two into one"
                : path + " is given twice (lines " + first + " and " + again + "); keep one: a config may set a key "
                        + "only once");
    }

    /** Applies {@code key.path=value} overrides in order; the value is read as YAML (numbers, booleans, lists). */
    public ConfigTree override(List<String> sets) {
        for (String set : sets) {
            int eq = set.indexOf('=');
            String path = eq < 0 ? "" : set.substring(0, eq).trim();
            if (eq < 0 || !isKeyPath(path)) {
                throw new UserException("--set " + set + ": expected key.path=value, e.g. --set training.g.lr=1e-4");
            }
            String raw = set.substring(eq + 1);
            JsonNode value;
            try {
                value = raw.isBlank() ? YAML.getNodeFactory().textNode("") : YAML.readTree(raw);
                if (value == null || value.isMissingNode()) value = YAML.getNodeFactory().textNode(raw);
            } catch (JsonProcessingException e) {
                value = YAML.getNodeFactory().textNode(raw);
            }
            set(path, value, "--set " + set);
        }
        return this;
    }

    /** True for a dotted key path such as {@code training.g.lr}. */
    public static boolean isKeyPath(String path) {
        return path.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
    }

    /**
     * Sets the key at a dotted path, creating sections on the way; {@code origin} is what messages about the key
     * will start with (a flag, or {@code plan.yaml:12} for a sweep plan's value).
     */
    public ConfigTree set(String path, JsonNode value, String origin) {
        String[] parts = path.split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = at.get(parts[i]);
            if (child == null) {
                child = at.putObject(parts[i]);
            } else if (!child.isObject()) {
                String prefix = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
                throw new UserException(origin + ": " + prefix + " is a single value, not a section, so it has no key " + parts[i + 1]);
            }
            at = (ObjectNode) child;
        }
        at.set(parts[parts.length - 1], value);
        origins.override(path, origin);
        return this;
    }

    /** An independent copy (a sweep applies each run's overrides to its own copy of the base). */
    public ConfigTree copy() {
        return new ConfigTree(root.deepCopy(), origins.copy());
    }

    /** The section under a top-level key as a tree of its own, keeping the lines of the file it came from. */
    public ConfigTree section(String key) {
        return new ConfigTree(((ObjectNode) root.get(key)).deepCopy(), origins.section(key));
    }
}
