package dev.gan.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --checkpoint CKPT|RUN_DIR}: the one way every verb that reads a run is told which (a mixin). A run directory
 * means its latest checkpoint.
 */
final class CheckpointOption {
    static final String LABEL = "CKPT|RUN_DIR";
    static final String DESCRIPTION = "A checkpoint file, or a run directory (its latest checkpoint).";

    @Option(names = "--checkpoint", required = true, paramLabel = LABEL, description = DESCRIPTION)
    Path path;
}
