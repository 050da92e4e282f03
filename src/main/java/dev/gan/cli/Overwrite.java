package dev.gan.cli;

import picocli.CommandLine.Option;

/** {@code --overwrite}: every verb that writes refuses to replace an existing file or folder without it (a mixin). */
final class Overwrite {
    @Option(names = "--overwrite", description = "Replace what this command writes if it already exists (nothing "
            + "else is ever deleted); without it an existing output is refused.")
    boolean overwrite;
}
