package dev.gan.train;

import dev.gan.config.ExperimentConfig;
import dev.gan.data.ImageSet;
import dev.gan.io.RunDirectory;
import dev.gan.io.RunLog;
import dev.gan.step.AugmentProbability;
import dev.gan.step.StepTimes;
import dev.gan.system.Backend;
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
 * protocol (shared/BENCHMARK.md): warm-up steps, then the median of the timed steps.
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
     * @param backend  the native build and the engine that ran the step, e.g. linux-x86_64-onednn/fast
     * @param phases   mean time per phase, or null when not asked for
     * @param startupSeconds JVM start to the end of the first (warm-up) step
     */
    public record Result(String name, int batchSize, double medianMs, double minMs, double maxMs, long peakRssMb,
                         double rssSlopeKbPerStep, double rssFirstMb, double rssLastMb, int threads, String backend,
                         String phases, double startupSeconds) {
        public double imagesPerSecond() {
            return batchSize / (medianMs / 1000.0);
        }

        /** The line scripts read: its form is fixed. */
        public String line() {
            return String.format(Locale.ROOT, "bench %s: median_ms=%.1f img_s=%.1f spread_ms=%.1f-%.1f peak_rss_mb=%d "
                    + "rss_slope_kb_step=%s threads=%d backend=%s", name, medianMs, imagesPerSecond(), minMs, maxMs,
                    peakRssMb, slope(), threads, backend);
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

    public static Result run(ExperimentConfig cfg, String name, int steps, int warmup, boolean phases, PrintStream out) {
        Backend.init();
        RunSetup setup = RunSetup.of(cfg, randomImages(cfg));
        ImageSet data = setup.data();
        Networks nets = setup.nets();
        Path tmp;
        try {
            tmp = Files.createTempDirectory("gan-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (RunLog log = new RunLog(tmp.resolve("log.txt"), new PrintStream(OutputStream.nullOutputStream()))) {
            TrainingRun run = new TrainingRun(cfg, "", setup.shape(), data.classNames(), nets.generator(), nets.discriminator(),
                    nets.stabilisers(), data, new RunDirectory(tmp), log, 0, 0, 0, AugmentProbability.of(cfg.training()),
                    setup.objective());
            StepTimes times = phases ? new StepTimes() : null;
            Trainer trainer = new Trainer(run, List.of(), times);
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
            return new Result(name, cfg.training().batchSize(), median, sorted[0], sorted[steps - 1],
                    ResidentMemory.peakKb() / 1024, rss.slopeKbPerStep(), rss.firstKb() / 1024.0, rss.lastKb() / 1024.0,
                    org.nd4j.linalg.factory.Nd4j.getEnvironment().maxMasterThreads(),
                    Backend.classifier() + "/" + trainer.engine(),
                    times == null ? null : times.summary(), startup);
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
