package dev.gan.cli;

import dev.gan.config.ConfigSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code gan schema}: the config's JSON Schema, generated from the config records (configs/gan.schema.json). */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"Print the JSON Schema of the experiment config (draft-07), generated from the config records.",
                "configs/gan.schema.json is its output; editors use it through the shipped configs' first line "
                        + "(# yaml-language-server: $schema=gan.schema.json). After adding a config key: "
                        + "./gan schema > configs/gan.schema.json"})
final class SchemaCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Override
    public Integer call() {
        root.out.print(ConfigSchema.json());
        root.out.flush();
        return Gan.OK;
    }
}
