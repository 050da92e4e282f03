package dev.gan.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --set KEY=VALUE}, declared once for the verbs that read a config and say no more about it (a mixin). */
final class Overrides {
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
    List<String> sets = new ArrayList<>();
}
