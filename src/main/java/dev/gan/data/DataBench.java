package dev.gan.data;

import dev.gan.config.ExperimentConfig;

import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code gan data bench}: the data pipeline alone - a config's training data drawn batch by batch exactly as the loop
 * draws it (the same sampler, prefetching and data.mirror's flips included), with no step - so its rate can be set
 * against the step's.
 */
public final class DataBench {
    static final int WARMUP = 10;

    private DataBench() {
    }

    /** The result line: {@code data-bench <name>: img_s=.. batches=.. batch_size=.. images=.. source=..}. */
    public static String run(ExperimentConfig cfg, String name, int batches, PrintStream console) {
        ImageSet data = TrainingData.load(cfg, console);
        int b = cfg.training().batchSize();
        BatchSampler sampler = new BatchSampler(data, b, cfg.seed());
        sampler.imagesPerSecond(0, WARMUP);
        double rate = sampler.imagesPerSecond(WARMUP, batches);
        return String.format(Locale.ROOT, "data-bench %s: img_s=%.0f batches=%d batch_size=%d images=%d source=%s", name,
                rate, batches, b, data.count(), data.source() + (Mirrored.isMirrored(data) ? " (x2 mirrored)" : ""));
    }
}
