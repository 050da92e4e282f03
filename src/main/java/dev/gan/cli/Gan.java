package dev.gan.cli;

import dev.gan.MemoryUse;
import dev.gan.UserException;
import dev.gan.system.Version;
import dev.gan.train.TrainingFailure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/**
 * The root command. Exit codes: 0 success, 1 runtime failure (training diverged, an unexpected error), 2 bad usage,
 * config, dataset or checkpoint. User errors print as their message alone; stack traces only with --verbose.
 */
@Command(name = "gan", mixinStandardHelpOptions = true, versionProvider = Gan.VersionProvider.class,
        description = "Train generative adversarial networks (DCGAN, CGAN) on the JVM with Deeplearning4j.",
        subcommands = {TrainCommand.class, BenchCommand.class, SampleCommand.class, SweepCommand.class,
                ClassifierCommand.class, EvalCommand.class, AugmentCommand.class, DataCommand.class,
                InfoCommand.class, ReportCommand.class, SchemaCommand.class, CommandLine.HelpCommand.class,
                SweepTaskCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure (e.g. training diverged)",
                "2:bad usage, config, dataset or checkpoint"})
public final class Gan {
    public static final int OK = 0, FAILURE = 1, USAGE = 2;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    final PrintStream out;
    final PrintStream err;
    final List<String> args;

    Gan(PrintStream out, PrintStream err, List<String> args) {
        this.out = out;
        this.err = err;
        this.args = args;
    }

    /** Runs {@code gan args...} and returns its exit code. Tests call this; only {@code Main} calls exit. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Gan root = new Gan(out, err, List.of(args));
        CommandLine cl = new CommandLine(root);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        boolean verbose = Arrays.asList(args).contains("--verbose");
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (MemoryUse.find(ex) != null) return outOfMemory(MemoryUse.find(ex), err, verbose);
            if (ex instanceof UserException) {
                err.println(ex.getMessage());
                if (verbose) ex.printStackTrace(err);
                return USAGE;
            }
            if (ex instanceof TrainingFailure) {
                err.println(ex.getMessage());
                if (verbose) ex.printStackTrace(err);
                return FAILURE;
            }
            String full = diskFull(ex);
            if (full != null) {
                err.println("gan: the disk is full: " + full + "; free some space (df -h shows where) and run again");
                if (verbose) ex.printStackTrace(err);
                return FAILURE;
            }
            err.println("gan: unexpected error: " + ex + (verbose ? "" : " (run again with --verbose for the stack trace)"));
            if (verbose) ex.printStackTrace(err);
            return FAILURE;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println(ex.getMessage());
            // picocli's own "Did you mean: train?" / "Possible solutions: --config" for a mistyped command or option
            StringWriter suggestion = new StringWriter();
            if (UnmatchedArgumentException.printSuggestions(ex, new PrintWriter(suggestion))) err.print(suggestion);
            err.println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        cl.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) return help;
            // a command group without its command (`gan`, `gan data`) is a usage error: its usage on stderr, exit 2
            List<CommandLine> chain = parsed.asCommandLineList();
            CommandLine last = chain.get(chain.size() - 1);
            if (!last.getSubcommands().isEmpty()) {
                last.usage(err);
                return USAGE;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands Errors on; an out-of-memory is the user's resource limit, not a bug: one line, exit 1
            return outOfMemory(e, err, verbose);
        }
    }

    /** The message of a "No space left on device" in the cause chain, or null. */
    static String diskFull(Throwable ex) {
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("No space left on device")) return c.getMessage();
            if (c.getCause() == c) break;
        }
        return null;
    }

    private static int outOfMemory(OutOfMemoryError e, PrintStream err, boolean verbose) {
        err.println(MemoryUse.explain(e));
        if (verbose) e.printStackTrace(err);
        return FAILURE;
    }

    /** True when output goes to a terminal a person watches: progress bars then, plain lines otherwise (files, CI). */
    boolean terminal() {
        return System.console() != null && out == System.out && System.getenv("CI") == null;
    }

    /** The command line as typed, for command.txt. */
    String commandLine() {
        return "gan " + String.join(" ", args);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"gan " + Version.get() + " (Deeplearning4j 1.0.0-M2.1, Java "
                    + System.getProperty("java.version") + ")"};
        }
    }
}
