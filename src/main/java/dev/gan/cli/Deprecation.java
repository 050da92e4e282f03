package dev.gan.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * The one-line notice an old spelling of a flag prints on stderr: it still works for one release, and stdout stays
 * clean for {@code --json}.
 */
final class Deprecation {
    private Deprecation() {
    }

    /** Tells the user of {@code spec}'s command that {@code old} is now spelled {@code now}. */
    static void notice(CommandSpec spec, String old, String now) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + old + " is deprecated and will be removed in "
                + "the next release; use " + now);
    }
}
