package dev.gan.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gan.config.ExperimentConfig;
import dev.gan.train.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code gan bench}: the training step of a config, timed on random data. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time the training step of a config on random images (the code path of gan train).",
                "Last line: bench <name>: median_ms=.. img_s=.. spread_ms=min-max peak_rss_mb=.. "
                        + "rss_slope_kb_step=.. threads=.. backend=.. gflop_step=.. gflop_s=.. peak_fp32_gflop_s=.. "
                        + "share_of_peak=.. peak_bf16_gflop_s=.. (with --json: on standard error, and the same "
                        + "numbers as JSON on standard output).",
                "backend: the native build and engine, with /bf16 when the convolutions ran in bf16; under "
                        + "training.precision auto a line before says what auto picked on this machine, and why.",
                "rss_slope_kb_step: growth of anonymous resident memory per timed step (least squares); near 0 "
                        + "when memory is flat after the warm-up.",
                "gflop_step: the step's FLOPs (2 x the multiply-adds of its conv, deconv and dense layers; a "
                        + "backward pass 2 x its forward pass); gflop_s: gflop_step over the median step time.",
                "peak_fp32_gflop_s / peak_bf16_gflop_s: a 2048^3 matrix product's rate (libnd4j's matmul, best of 3, "
                        + "the step's threads), measured after the steps; bf16 is none on a CPU without avx512_bf16 "
                        + "or amx_bf16. share_of_peak = gflop_s / peak_fp32_gflop_s. --no-peak skips the products "
                        + "(the three are then n/a).",
                "Benchmark on an idle machine: 2-thread OpenMP code slows many times over when another process "
                        + "takes a core."})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    @Mixin
    ConfigOptions config;

    @Option(names = "--steps", defaultValue = "50", paramLabel = "N", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--no-peak", description = "Do not measure the matrix-multiply peak after the steps "
            + "(it takes a few seconds).")
    boolean noPeak;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() {
        if (steps < 1 || warmup < 0) {
            throw new dev.gan.UserException("gan bench: --steps must be >= 1 and --warmup >= 0 (got " + steps + ", " + warmup + ")");
        }
        ExperimentConfig cfg = config.load();
        boolean verbose = root.args.contains("--verbose");
        PrintStream console = json.console(root);
        PrintStream perStep = verbose ? console : new PrintStream(OutputStream.nullOutputStream());
        Benchmark.Result r = Benchmark.run(cfg, config.name(), steps, warmup, verbose, !noPeak, perStep);
        if (r.precisionAuto() != null) console.println(r.precisionAuto());
        if (r.phases() != null) console.println("phases (mean per step): " + r.phases());
        console.printf(java.util.Locale.ROOT, "start-up: JVM start to end of the first step %.2f s%n", r.startupSeconds());
        console.println(r.memoryLine(steps));
        console.println(r.rateLine());
        console.println(r.line());
        if (json.json) {
            // the keys of the result line, so that a script can move from one to the other
            var o = JsonOutput.object();
            o.put("name", r.name());
            o.put("median_ms", r.medianMs());
            o.put("img_s", r.imagesPerSecond());
            o.put("min_ms", r.minMs());
            o.put("max_ms", r.maxMs());
            o.put("peak_rss_mb", r.peakRssMb());
            number(o, "rss_slope_kb_step", r.rssSlopeKbPerStep());   // null with fewer than two timed steps
            o.put("threads", r.threads());
            o.put("backend", r.backend());
            o.put("batch_size", r.batchSize());
            o.put("startup_s", r.startupSeconds());
            if (r.phases() != null) o.put("phases", r.phases());
            o.put("gflop_step", r.gflopStep());
            o.put("gflop_s", r.gflopPerSecond());
            // null: not measured (--no-peak), or for bf16 also a CPU without bf16 arithmetic
            number(o, "peak_fp32_gflop_s", r.peakFp32());
            number(o, "share_of_peak", r.shareOfPeak());
            number(o, "peak_bf16_gflop_s", r.peakBf16());
            JsonOutput.print(root, o);
        }
        return Gan.OK;
    }

    /** NaN is not JSON: null says "not measured". */
    private static void number(ObjectNode o, String key, double value) {
        if (Double.isNaN(value)) o.putNull(key);
        else o.put(key, value);
    }
}
