package dev.gan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * {@code --json}: the verb's result as one JSON document on stdout, while progress and notices go to stderr so that
 * stdout parses (a mixin).
 */
final class JsonOutput {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", description = "Print the result as JSON on standard output; progress and messages go "
            + "to standard error.")
    boolean json;

    /** Where the human-readable lines go: stdout normally, stderr under {@code --json}. */
    PrintStream console(Gan root) {
        return json ? root.err : root.out;
    }

    /** An empty object to fill with the result. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** A record or other value as a JSON tree. */
    static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    /** Prints {@code result} on stdout (only called under {@code --json}). */
    static void print(Gan root, JsonNode result) {
        try {
            root.out.println(JSON.writeValueAsString(result));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
