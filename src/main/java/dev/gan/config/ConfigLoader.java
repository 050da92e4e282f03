package dev.gan.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one way a config becomes an {@link ExperimentConfig}: file -> tree -> {@code --set} overrides -> bind ->
 * validate. Every problem found on the way is reported together, each with its file and line (or flag).
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static ExperimentConfig load(Path file, List<String> sets) {
        return bind(ConfigTree.read(file).override(sets));
    }

    /** Loads config text kept elsewhere (a checkpoint's copy); {@code source} names it in messages. */
    public static ExperimentConfig fromYaml(String yaml, String source, List<String> sets) {
        return bind(ConfigTree.parse(yaml, source, false).override(sets));
    }

    public static ExperimentConfig bind(ConfigTree tree) {
        return bind(tree.root(), tree.origins());
    }

    /** Binds and validates a tree; used by sweeps for each generated run. */
    public static ExperimentConfig bind(JsonNode root, Origins origins) {
        Problems problems = new Problems(origins);
        RecordBinder binder = new RecordBinder(problems, ExperimentConfig.class);
        ExperimentConfig config = binder.bind(root, ExperimentConfig.class, ExperimentConfig.defaults(), "");
        config.validate(problems);
        problems.throwIfAny();
        return config;
    }

    /** The resolved config as a tree (every key, defaults included). */
    public static ObjectNode toTree(ExperimentConfig config) {
        return RecordBinder.toTree(config);
    }

    /** The resolved config as YAML, as written into run directories and checkpoints. */
    public static String toYaml(ExperimentConfig config) {
        try {
            return "# resolved config: every key, defaults included; load it with gan train --config\n"
                    + ConfigTree.YAML.writeValueAsString(toTree(config)).replaceFirst("^---\\s*\n", "");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
