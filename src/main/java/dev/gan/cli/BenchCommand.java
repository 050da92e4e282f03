package dev.gan.cli;

import dev.gan.config.ConfigLoader;
import dev.gan.config.ExperimentConfig;
import dev.gan.train.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gan bench}: the training step of a config, timed on random data. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time the training step of a config on random images (the code path of gan train).",
                "Last line: bench <name>: median_ms=.. img_s=.. spread_ms=min-max peak_rss_mb=.. "
                        + "rss_slope_kb_step=.. threads=.. backend=..",
                "rss_slope_kb_step: growth of anonymous resident memory per timed step (least squares); near 0 "
                        + "when memory is flat after the warm-up.",
                "Benchmark on an idle machine: 2-thread OpenMP code slows many times over when another process "
                        + "takes a core."})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Experiment config.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "50", paramLabel = "N", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() {
        if (steps < 1 || warmup < 0) {
            throw new dev.gan.UserException("gan bench: --steps must be >= 1 and --warmup >= 0 (got " + steps + ", " + warmup + ")");
        }
        ExperimentConfig cfg = ConfigLoader.load(config, sets);
        boolean verbose = root.args.contains("--verbose");
        PrintStream perStep = verbose ? root.out : new PrintStream(OutputStream.nullOutputStream());
        String name = config.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        Benchmark.Result r = Benchmark.run(cfg, name, steps, warmup, verbose, perStep);
        if (r.phases() != null) root.out.println("phases (mean per step): " + r.phases());
        root.out.printf(java.util.Locale.ROOT, "start-up: JVM start to end of the first step %.2f s%n", r.startupSeconds());
        root.out.println(r.memoryLine(steps));
        root.out.println(r.line());
        return Gan.OK;
    }
}
