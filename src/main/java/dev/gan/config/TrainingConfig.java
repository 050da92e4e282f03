package dev.gan.config;

import java.util.List;

/**
 * Optimisation. The length of a run is {@code steps} generator updates, or {@code epochs} passes over the data
 * when {@code steps} is 0.
 *
 * @param batchSize      images per batch (real and fake batches each have this size)
 * @param steps          generator updates to run (0 = use epochs)
 * @param epochs         passes over the data (used when steps is 0)
 * @param dSteps         discriminator updates per generator update
 * @param labelSmoothing one-sided label smoothing: real images are labelled 1 - label_smoothing for D
 * @param g              Adam for the generator
 * @param d              Adam for the discriminator
 * @param evalEvery      score the generator with gan eval's metrics every N steps (0 = never); needs
 *                       eval_classifier; the best FID so far is kept as checkpoints/best.zip
 * @param evalClassifier domain classifier for evaluation (from gan classifier train); also gan eval's default
 * @param gSteps         generator updates per step, on the same noise (2 keeps a winning D in check, as in
 *                       carpedm20/DCGAN-tensorflow)
 * @param evalSamples    generated and real images per evaluation during training
 * @param augment        differentiable augmentation of everything D sees, real and fake (DiffAugment): a
 *                       comma-separated subset of color, translation, cutout, or none
 * @param engine         what runs the step: {@code dl4j} (the graphs' own layers), {@code fast} (libnd4j ops on the
 *                       graphs' arrays, same maths, for the layers it covers) or {@code auto} (fast when it covers
 *                       both networks, else dl4j)
 * @param ema            the EMA generator: half-life and ramp-up of the average of G's weights (kimg 0 = off)
 */
public record TrainingConfig(int batchSize, int steps, int epochs, int dSteps, double labelSmoothing,
                             AdamConfig g, AdamConfig d, int evalEvery, String evalClassifier, int evalSamples,
                             int gSteps, String augment, String engine, EmaConfig ema) {

    public static final List<String> ENGINES = List.of("auto", "dl4j", "fast");

    /** The transforms {@code augment} may name (DiffAugment's policy names). */
    public static final List<String> AUGMENTATIONS = List.of("color", "translation", "cutout");

    static boolean isAugmentPolicy(String policy) {
        if (policy == null || policy.isBlank() || policy.strip().equalsIgnoreCase("none")) return true;
        for (String part : policy.split(",")) {
            if (!AUGMENTATIONS.contains(part.strip().toLowerCase(java.util.Locale.ROOT))) return false;
        }
        return true;
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(64, 0, 5, 1, 0.0, AdamConfig.defaults(), AdamConfig.defaults(), 0, null, 500, 1,
                "none", "auto", EmaConfig.defaults());
    }

    void validate(String at, Problems p) {
        p.check(batchSize >= 2 && batchSize <= 4096, at + ".batch_size",
                "must be between 2 and 4096 (BatchNorm needs at least 2 images)", batchSize);
        p.check(steps >= 0, at + ".steps", "must be >= 0 (0 = train for training.epochs)", steps);
        p.check(epochs >= 0, at + ".epochs", "must be >= 0", epochs);
        if (steps == 0 && epochs == 0) {
            p.add(at + ".steps", "training.steps and training.epochs are both 0: set one of them > 0");
        }
        p.check(dSteps >= 1 && dSteps <= 100, at + ".d_steps", "must be between 1 and 100", dSteps);
        p.check(gSteps >= 1 && gSteps <= 10, at + ".g_steps", "must be between 1 and 10", gSteps);
        p.check(labelSmoothing >= 0 && labelSmoothing < 0.5, at + ".label_smoothing",
                "must be >= 0 and < 0.5 (real label = 1 - label_smoothing)", labelSmoothing);
        p.check(evalEvery >= 0, at + ".eval_every", "must be >= 0 (0 = no evaluation during training)", evalEvery);
        if (evalEvery > 0 && (evalClassifier == null || evalClassifier.isBlank())) {
            p.add(at + ".eval_every", at + ".eval_every needs " + at + ".eval_classifier: a classifier file from "
                    + "gan classifier train (or set eval_every to 0)");
        }
        p.check(evalSamples >= 10 && evalSamples <= 50_000, at + ".eval_samples", "must be between 10 and 50000",
                evalSamples);
        p.check(isAugmentPolicy(augment), at + ".augment", "must be none or a comma-separated subset of "
                + String.join(", ", AUGMENTATIONS), augment);
        p.check(ENGINES.contains(engine), at + ".engine", "must be one of " + ENGINES, engine);
        ema.validate(at + ".ema", p);
        g.validate(at + ".g", p);
        d.validate(at + ".d", p);
    }
}
