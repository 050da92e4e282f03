package dev.gan.train;

import dev.gan.config.ExperimentConfig;
import dev.gan.data.ImageSet;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLog;
import dev.gan.step.AugmentProbability;
import dev.gan.step.StepFlops;
import dev.gan.step.StepTimes;
import dev.gan.step.fast.Precision;
import dev.gan.system.Backend;
import dev.gan.system.MatmulPeak;
import dev.gan.system.ResidentMemory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times the training step of a config on random images: the same {@link Trainer#oneStep()} that {@code gan train}
 * runs, with the networks the config builds, so the figure is the trainer's and not a copy's. The benchmark's
 * protocol (shared/BENCHMARK.md): warm-up steps, then the median of the timed steps. Beside the time, the step's
 * FLOPs ({@link StepFlops}) and the machine's matrix-multiply rate measured in the same process after the steps
 * ({@link MatmulPeak}), so that a step time reads as a share of what the machine can do.
 */
public final class Benchmark {
    private Benchmark() {
    }

    /**
     * @param medianMs median step time of the timed steps
     * @param minMs    fastest timed step
     * @param maxMs    slowest timed step
     * @param peakRssMb the process's peak resident set size (VmHWM)
     * @param rssSlopeKbPerStep growth of anonymous resident memory (RssAnon) per timed step, least squares; NaN with
     *                 fewer than two timed steps. Near 0 when memory is flat after warm-up; a leak is a steady slope
     * @param rssFirstMb RssAnon after the first timed step
     * @param rssLastMb  RssAnon after the last timed step
     * @param backend  the native build and the engine that ran the step, e.g. linux-x86_64-onednn/fast, and /bf16
     *                 after it when the convolutions ran in bf16 (training.precision bf16, or auto where it picks bf16)
     * @param phases   mean time per phase, or null when not asked for
     * @param startupSeconds JVM start to the end of the first (warm-up) step
     * @param gflopStep GFLOP of one step ({@link StepFlops})
     * @param peak     the machine's matrix-multiply rates, measured after the steps; null when not asked for
     * @param precisionAuto training.precision auto's choice and why, as a run logs it; null when the config names
     *                 the precision
     */
    public record Result(String name, int batchSize, double medianMs, double minMs, double maxMs, long peakRssMb,
                         double rssSlopeKbPerStep, double rssFirstMb, double rssLastMb, int threads, String backend,
                         String phases, double startupSeconds, double gflopStep, MatmulPeak peak,
                         String precisionAuto) {
        public double imagesPerSecond() {
            return batchSize / (medianMs / 1000.0);
        }

        /** The step's FLOPs over its median time. */
        public double gflopPerSecond() {
            return gflopStep / (medianMs / 1000.0);
        }

        /** The fp32 matrix-multiply rate; NaN when not measured. */
        public double peakFp32() {
            return peak == null ? Double.NaN : peak.fp32GflopS();
        }

        /** {@link #gflopPerSecond()} as a share of the fp32 matrix-multiply rate; NaN when that was not measured. */
        public double shareOfPeak() {
            return gflopPerSecond() / peakFp32();
        }

        /** The bf16 rate; NaN when not measured or when the CPU has no bf16 arithmetic. */
        public double peakBf16() {
            return peak == null ? Double.NaN : peak.bf16GflopS();
        }

        /**
         * The line scripts read: its form is fixed, and keys are only ever appended. A peak not measured (--no-peak)
         * is n/a; a bf16 rate on a CPU without bf16 arithmetic is none.
         */
        public String line() {
            return String.format(Locale.ROOT, "bench %s: median_ms=%.1f img_s=%.1f spread_ms=%.1f-%.1f peak_rss_mb=%d "
                    + "rss_slope_kb_step=%s threads=%d backend=%s gflop_step=%.2f gflop_s=%.1f peak_fp32_gflop_s=%s "
                    + "share_of_peak=%s peak_bf16_gflop_s=%s", name, medianMs, imagesPerSecond(), minMs, maxMs,
                    peakRssMb, slope(), threads, backend, gflopStep, gflopPerSecond(),
                    figure("%.1f", peakFp32(), "n/a"), figure("%.3f", shareOfPeak(), "n/a"),
                    peak == null ? "n/a" : figure("%.1f", peakBf16(), "none"));
        }

        private static String figure(String format, double value, String missing) {
            return Double.isNaN(value) ? missing : String.format(Locale.ROOT, format, value);
        }

        /** The rate for people: FLOPs, time, and how it stands against the machine's matrix-multiply rates. */
        public String rateLine() {
            String rate = String.format(Locale.ROOT, "rate: %.2f GFLOP per step in %.1f ms = %.1f GFLOP/s", gflopStep,
                    medianMs, gflopPerSecond());
            if (peak == null) return rate + "; matrix-multiply peak not measured (--no-peak)";
            String bf16 = !Double.isNaN(peakBf16()) ? String.format(Locale.ROOT, "bf16 peak %.1f GFLOP/s (%s)",
                    peakBf16(), String.join(", ", peak.bf16Isa()))
                    : peak.bf16Isa().isEmpty() ? "no bf16 arithmetic on this CPU"
                    : "bf16 matmul failed on this build";
            return rate + String.format(Locale.ROOT, ", %.1f%% of the fp32 matmul peak %.1f GFLOP/s (%d^3, best of "
                    + "%d, %d thread%s); %s", 100 * shareOfPeak(), peak.fp32GflopS(), peak.size(), MatmulPeak.TIMED,
                    threads, threads == 1 ? "" : "s", bf16);
        }

        /** The memory figures for people: peak, and the anonymous resident memory across the timed steps. */
        public String memoryLine(int timedSteps) {
            return String.format(Locale.ROOT, "memory: peak RSS %d MB; RssAnon %.1f -> %.1f MB over %d timed steps, "
                    + "slope %s KB/step", peakRssMb, rssFirstMb, rssLastMb, timedSteps, slope());
        }

        private String slope() {
            return Double.isNaN(rssSlopeKbPerStep) ? "n/a" : String.format(Locale.ROOT, "%.1f", rssSlopeKbPerStep);
        }
    }

    /** @param peak measure the machine's matrix-multiply rates after the steps (a few seconds) */
    public static Result run(ExperimentConfig cfg, String name, int steps, int warmup, boolean phases, boolean peak,
                             PrintStream out) {
        Backend.init();
        RunSetup setup = RunSetup.of(cfg, randomImages(cfg));
        ImageSet data = setup.data();
        Networks nets = setup.nets();
        double gflopStep = StepFlops.perStep(nets.generator(), nets.discriminator(), setup.shape(), cfg.training())
                / 1e9;
        Path tmp;
        try {
            tmp = Files.createTempDirectory("gan-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (RunLog log = new RunLog(tmp.resolve("log.txt"), new PrintStream(OutputStream.nullOutputStream()))) {
            AugmentProbability augment = AugmentProbability.of(cfg.training());
            TrainingRun run = new TrainingRun(cfg, "", setup.shape(), data.classNames(), nets.generator(), nets.discriminator(),
                    nets.stabilisers(), data, new RunDirectory(tmp), log, 0, 0, 0, augment, setup.objective());
            StepTimes times = phases ? new StepTimes() : null;
            Engines.Selected engine = setup.engine(cfg, augment);
            Trainer trainer = new Trainer(run, engine.step(), List.of(), times);
            double startup = Double.NaN;
            double[] ms = new double[steps];
            ResidentMemory.Trend rss = new ResidentMemory.Trend(steps);
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup && times != null) times.reset();
                long t0 = System.nanoTime();
                trainer.oneStep();
                run.completeStep();
                double took = (System.nanoTime() - t0) / 1e6;
                if (i == 0) {
                    // the start-up a user waits through: JVM launch, ND4J and oneDNN loading, network building, step 1
                    startup = (System.currentTimeMillis()
                            - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
                }
                if (i >= warmup) {
                    ms[i - warmup] = took;
                    rss.sample();
                }
                out.printf(Locale.ROOT, "%s step %d: %.1f ms, RssAnon %.1f MB%n", i < warmup ? "warm-up" : "timed",
                        i < warmup ? i + 1 : i - warmup + 1, took, ResidentMemory.anonymousKb() / 1024.0);
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = steps % 2 == 1 ? sorted[steps / 2] : (sorted[steps / 2 - 1] + sorted[steps / 2]) / 2;
            // read before the matrix products, whose arrays are no part of the step's memory
            long peakRssMb = ResidentMemory.peakKb() / 1024;
            // after the steps: the products neither warm up nor disturb the step, and run on the same threads
            MatmulPeak rates = peak ? MatmulPeak.measure() : null;
            return new Result(name, cfg.training().batchSize(), median, sorted[0], sorted[steps - 1],
                    peakRssMb, rss.slopeKbPerStep(), rss.firstKb() / 1024.0, rss.lastKb() / 1024.0,
                    org.nd4j.linalg.factory.Nd4j.getEnvironment().maxMasterThreads(),
                    Backend.classifier() + "/" + trainer.engine() + (engine.precision() == Precision.BF16 ? "/bf16" : ""),
                    times == null ? null : times.summary(), startup, gflopStep, rates,
                    engine.auto() == null ? null : engine.auto().line());
        } finally {
            deleteTree(tmp);
        }
    }

    /** Random pixels in the config's shape (and random labels for a CGAN): timing does not depend on content. */
    static ImageSet randomImages(ExperimentConfig cfg) {
        int n = cfg.training().batchSize() * 4;
        int c = cfg.data().channels(), s = cfg.data().imageSize();
        byte[] px = new byte[n * c * s * s];
        SplittableRandom r = new SplittableRandom(cfg.seed());
        for (int i = 0; i < px.length; i++) px[i] = (byte) r.nextInt(256);
        boolean cgan = "cgan".equals(cfg.model().type()) || cfg.model().clusters() > 0;
        int classes = !cgan ? 0 : cfg.model().clusters() > 0 ? cfg.model().clusters() : Math.max(2, cfg.model().numClasses());
        int[] labels = cgan ? new int[n] : null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) names.add(Integer.toString(i));
        if (cgan) for (int i = 0; i < n; i++) labels[i] = i % classes;
        return new ImageSet(px, n, c, s, labels, names, "random images");
    }

    private static void deleteTree(Path root) {
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
