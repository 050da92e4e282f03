package dev.gan.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.StringWriter;
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

    /**
     * Writes resolved configs as a person would write them: quotes only where YAML needs them (and around text that
     * would read back as a number), no folding of long values, no document marker.
     */
    private static final YAMLMapper YAML_OUT = YAMLMapper.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES, YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES, YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build();

    /** The resolved config as YAML, as written into run directories and checkpoints. */
    public static String toYaml(ExperimentConfig config) {
        StringWriter text = new StringWriter();
        try (JsonGenerator yaml = YAML_OUT.getFactory().createGenerator(text)) {
            YAML_OUT.writeTree(new LowerCaseExponent(yaml), toTree(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "# resolved config: every key, defaults included; load it with gan train --config\n" + text;
    }

    /**
     * Writes doubles as {@code 2.0e-4} rather than Java's {@code 2.0E-4}: the form the shipped configs use. Java
     * always puts a dot in the mantissa, which YAML 1.1 needs to read the value back as a number.
     */
    private static final class LowerCaseExponent extends JsonGeneratorDelegate {
        LowerCaseExponent(JsonGenerator d) {
            super(d, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            delegate.writeNumber(Double.toString(v).replace('E', 'e'));
        }
    }
}
