package dev.gan.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON Schema (draft-07) of an experiment config, generated from the config records - the same records the
 * binder fills, so the schema has exactly the keys the loader accepts (and rejects any other: additionalProperties
 * false everywhere). Types come from the components, defaults from {@link ExperimentConfig#defaults()}, descriptions
 * from README.md's configuration table (packaged with the classes), which documents every key. Editors read it
 * through the {@code # yaml-language-server: $schema=gan.schema.json} line of the shipped configs, for completion,
 * hover help and checking. {@code gan schema} prints it; configs/gan.schema.json is that output, kept in sync by a test.
 *
 * <p>The loader remains the judge: ranges and cross-key rules live in the records' validate methods, and the schema
 * only carries what editors can use without running Java (types, defaults, the fixed lists of values below).
 */
public final class ConfigSchema {
    /** Where README.md's copy sits on the class path (pom.xml adds it). */
    static final String README = "/dev/gan/config/README.md";

    /** Keys whose values are a fixed list: offered as completions. Add a key here when it gets such a list. */
    private static final Map<String, List<?>> ENUMS = Map.ofEntries(
            Map.entry("data.format", DataConfig.FORMATS),
            Map.entry("data.image_size", ModelConfig.SUPPORTED_SIZES),
            Map.entry("data.channels", List.of(1, 3)),
            Map.entry("model.type", ModelConfig.TYPES),
            Map.entry("model.arch", ModelConfig.ARCHS),
            Map.entry("model.conditioning", ModelConfig.CONDITIONINGS),
            Map.entry("model.g_conditioning", ModelConfig.G_CONDITIONINGS),
            Map.entry("model.spectral_norm", ModelConfig.SPECTRAL_NORMS),
            Map.entry("training.engine", TrainingConfig.ENGINES),
            Map.entry("training.loss", TrainingConfig.LOSSES),
            Map.entry("training.precision", TrainingConfig.PRECISIONS));

    /** Text keys that also take a plain number (training.augment_p: 0.5, or auto). */
    private static final List<String> NUMBER_OR_WORD = List.of("training.augment_p");

    /** The sections, which README's table does not list as keys of their own. */
    private static final Map<String, String> SECTIONS = Map.of(
            "data", "The dataset.",
            "model", "The generator and discriminator.",
            "training", "Optimisation.",
            "training.g", "Adam for the generator.",
            "training.d", "Adam for the discriminator.",
            "training.ema", "The EMA generator: an exponential moving average of G's weights, used for samples and evaluation.",
            "output", "What a run writes, and how often (in generator steps).",
            "watch", "The training health watch (divergence, saturated discriminator, mode collapse).");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigSchema() {
    }

    /** The schema as pretty-printed JSON with a final newline, as shipped in configs/gan.schema.json. */
    public static String json() {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return JSON.writer(printer).writeValueAsString(generate()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode generate() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("title", "gan experiment config");
        root.put("description", "A config for gan train (YAML or JSON). Generated from the config records by "
                + "`gan schema`; do not edit: regenerate with `./gan schema > configs/gan.schema.json`. Every key "
                + "has a default; a config needs only what differs.");
        object(root, ExperimentConfig.class, ExperimentConfig.defaults(), "", descriptions());
        return root;
    }

    private static void object(ObjectNode node, Class<? extends Record> type, Record defaults, String prefix,
                               Map<String, String> docs) {
        node.put("type", "object");
        node.put("additionalProperties", false);
        ObjectNode props = node.putObject("properties");
        for (RecordComponent c : type.getRecordComponents()) {
            String key = RecordBinder.key(c.getName());
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            Object value = read(c, defaults);
            ObjectNode p = props.putObject(key);
            String doc = Record.class.isAssignableFrom(c.getType()) ? SECTIONS.get(path) : docs.get(path);
            if (doc != null) p.put("description", doc);
            if (value instanceof Record nested) {
                @SuppressWarnings("unchecked")
                Class<? extends Record> nestedType = (Class<? extends Record>) c.getType();
                object(p, nestedType, nested, path, docs);
                continue;
            }
            Class<?> t = c.getType();
            if (t == int.class || t == long.class) p.put("type", "integer");
            else if (t == double.class) p.put("type", "number");
            else if (t == boolean.class) p.put("type", "boolean");
            else if (NUMBER_OR_WORD.contains(path)) p.putArray("type").add("number").add("string");
            else p.putArray("type").add("string").add("null");   // the binder takes null for any text key
            if (ENUMS.containsKey(path)) {
                ArrayNode e = p.putArray("enum");
                for (Object o : ENUMS.get(path)) e.add(JSON.valueToTree(o));
            }
            p.set("default", JSON.valueToTree(value));
        }
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Key path -> the meaning column of README's configuration table, markdown taken out. */
    static Map<String, String> descriptions() {
        String readme;
        try (InputStream in = ConfigSchema.class.getResourceAsStream(README)) {
            if (in == null) throw new IllegalStateException("README.md is not on the class path (" + README + ")");
            readme = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        int start = readme.indexOf("\n## Configuration reference");
        if (start < 0) return out;
        Pattern key = Pattern.compile("`([a-z0-9_.]+)`");
        for (String line : readme.substring(start).lines().toList()) {
            if (line.startsWith("## ") && !line.startsWith("## Configuration reference")) break;
            if (!line.startsWith("| `")) continue;
            String[] cells = line.split("(?<!\\\\)\\|");   // "\|" inside a cell is a literal bar
            if (cells.length < 4) continue;
            String meaning = plain(cells[3]);
            Matcher m = key.matcher(cells[1]);
            String first = null;
            while (m.find()) {
                String k = m.group(1);
                // "`training.g.lr`, `.beta1`, `.beta2`": the later keys are siblings of the first
                if (k.startsWith(".") && first != null) {
                    String leaf = k.substring(1);
                    out.put(first.substring(0, first.lastIndexOf('.') + 1) + leaf, meaning + " (" + leaf + ")");
                } else {
                    first = k;
                    out.put(k, meaning);
                }
            }
            if (first != null && cells[1].contains("`.")) {
                out.put(first, meaning + " (" + first.substring(first.lastIndexOf('.') + 1) + ")");
            }
        }
        return out;
    }

    /** Markdown to text: code spans and links keep their text. */
    private static String plain(String cell) {
        return cell.strip().replace("\\|", "|").replaceAll("`([^`]*)`", "$1").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
                .replace("**", "");
    }
}
