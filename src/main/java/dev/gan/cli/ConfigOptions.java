package dev.gan.cli;

import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code -c/--config FILE} (required) and its {@code --set} overrides, for the verbs that time a config (a mixin). */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Experiment config.")
    Path config;

    @Mixin
    Overrides overrides;

    /** The config through the funnel, overrides included. */
    ExperimentConfig load() {
        return ConfigLoader.load(config, overrides.sets);
    }

    /** The config file's name without its extension: what a benchmark's result line is labelled with. */
    String name() {
        return config.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    }
}
