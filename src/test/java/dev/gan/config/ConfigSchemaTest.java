package dev.gan.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.gan.TestRuns;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.gan.TestRuns.gan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * configs/gan.schema.json: it is what {@code gan schema} generates from the config records today (so a key added
 * without regenerating fails here), it describes every key, it accepts every shipped config - which point to it on
 * their first line - and it rejects what the loader rejects for editors: unknown keys, values off a fixed list, wrong
 * types. Checked with networknt's json-schema-validator, not with our own reading of the schema.
 */
class ConfigSchemaTest {
    static final Path SHIPPED = Path.of("configs/gan.schema.json");
    static final String HEADER = "# yaml-language-server: $schema=gan.schema.json";
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theShippedSchemaIsTheGeneratedOne() throws Exception {
        TestRuns.Result r = gan("schema");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(Files.readString(SHIPPED), r.out(),
                "configs/gan.schema.json is out of date with the config records: regenerate it with "
                        + "./gan schema > configs/gan.schema.json");
        assertTrue(gan("--help").out().contains("schema"));
    }

    @Test
    void everyKeyHasAType_aDefaultAndReadmesDescription() throws Exception {
        List<String> missing = new ArrayList<>();
        walk(new ObjectMapper().readTree(SHIPPED.toFile()), "", missing);
        assertEquals(List.of(), missing, "keys without a row in README's configuration table (or without a type)");
        Map<String, String> docs = ConfigSchema.descriptions();
        assertEquals("Adam for the generator (beta1)", docs.get("training.g.beta1"));
        assertEquals("run name: the run directory is <output.runs_dir>/<name>-NNN", docs.get("name"));
    }

    private static void walk(JsonNode node, String prefix, List<String> missing) {
        node.path("properties").fields().forEachRemaining(e -> {
            String path = prefix + e.getKey();
            JsonNode p = e.getValue();
            if (!p.hasNonNull("description") || !p.has("type")) missing.add(path);
            if (p.has("properties")) walk(p, path + ".", missing);
            else if (!p.has("default")) missing.add(path + " (no default)");
        });
    }

    @Test
    void everyShippedConfigPointsToTheSchemaAndPassesIt() throws Exception {
        JsonSchema schema = schema();
        List<Path> configs;
        try (Stream<Path> s = Files.list(Path.of("configs"))) {
            configs = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(configs.size() >= 6, configs.toString());
        for (Path c : configs) {
            assertEquals(HEADER, Files.readAllLines(c).get(0), c + ": first line");
            assertEquals(List.of(), messages(schema, c), c.toString());
            ConfigLoader.load(c, List.of());   // and the loader agrees
        }
    }

    @Test
    void anUnknownKeyIsRejected() throws Exception {
        assertEquals(List.of("$.model: property 'latent_sise' is not defined in the schema and the schema does not "
                + "allow additional properties"), messages(schema(), fixture("unknown-key.yaml")));
    }

    @Test
    void aValueOffTheListIsRejected() throws Exception {
        assertEquals(List.of("$.model.type: does not have a value in the enumeration [\"dcgan\", \"cgan\"]"),
                messages(schema(), fixture("bad-enum.yaml")));
    }

    @Test
    void aWrongTypeIsRejected() throws Exception {
        assertEquals(List.of("$.training.steps: number found, integer expected"),
                messages(schema(), fixture("wrong-type.yaml")));
    }

    private static Path fixture(String name) {
        Path p = Path.of("src/test/resources/schema", name);
        assertFalse(Files.notExists(p), p.toString());
        return p;
    }

    private static JsonSchema schema() throws Exception {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(new ObjectMapper().readTree(SHIPPED.toFile()));
    }

    private static List<String> messages(JsonSchema schema, Path yaml) throws Exception {
        return schema.validate(YAML.readTree(yaml.toFile())).stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
