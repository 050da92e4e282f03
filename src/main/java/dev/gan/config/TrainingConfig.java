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
 * @param loss           the adversarial objective: ns (non-saturating BCE on D's logit), hinge, lsgan (least
 *                       squares) or wgan (critic; pair it with r1_gamma)
 * @param r1Gamma        weight of the R1 penalty gamma/2 * ||grad_x D(x_real)||^2 on D (0 = off); needs a D without
 *                       BatchNorm
 * @param r1Every        lazy R1: the penalty is added every N D steps, scaled by N (StyleGAN2); 1 = every D step
 * @param augmentP       probability each augment transform is applied to each image: a number in [0, 1] (1 = all
 *                       of them, always), or auto (adaptive, StyleGAN2-ADA: p follows ada_target)
 * @param adaTarget      augment_p auto: the target of r_t = E[sign(D(x_real))]; above it, p rises
 * @param adaKimg        augment_p auto: thousands of real images over which p can move from 0 to 1
 * @param initFrom       fine-tuning: a checkpoint file, or a run directory (its latest checkpoint), whose G, D and EMA
 *                       G weights a new run starts from, with a new optimiser and step 0 (null = random weights); a
 *                       resumed run never loads it again
 * @param freezeD        FreezeD: D's first N blocks (DCGAN: a conv layer with its BatchNorm and activation; ResNet: a
 *                       residual block) keep their weights and BatchNorm / spectral-norm state (0 = train all of D)
 * @param precision      what the fast engine's convolutions multiply in: {@code fp32}, {@code bf16} (oneDNN's
 *                       bf16 kernels on bf16 copies, float32 results; weights, BatchNorm and Adam stay float32;
 *                       needs a CPU with avx512_bf16 or amx_bf16), or {@code auto} (bf16 where this CPU and oneDNN
 *                       do bf16 and the fast engine covers the model, else fp32; decided when the run starts and
 *                       recorded in its config.yaml, so a resume keeps it)
 * @param lrDecay        the share of the run's steps, at its end, over which both Adam learning rates fall linearly
 *                       to 0 at the last step (0 = constant rates; 1 = over the whole run, as SNGAN; 0.5 = the
 *                       second half, as pix2pix and CycleGAN)
 */
public record TrainingConfig(int batchSize, int steps, int epochs, int dSteps, double labelSmoothing,
                             AdamConfig g, AdamConfig d, int evalEvery, String evalClassifier, int evalSamples,
                             int gSteps, String augment, String engine, EmaConfig ema, String loss, double r1Gamma,
                             int r1Every, String augmentP, double adaTarget, double adaKimg, String initFrom,
                             int freezeD, String precision, double lrDecay) {

    public static final List<String> ENGINES = List.of("auto", "dl4j", "fast");

    /** The values of {@code precision}. */
    public static final List<String> PRECISIONS = List.of("fp32", "bf16", "auto");

    /** precision's value that runs convolutions in bf16. */
    public static final String BF16 = "bf16";

    /** The transforms {@code augment} may name (DiffAugment's policy names). */
    public static final List<String> AUGMENTATIONS = List.of("color", "translation", "cutout");

    static boolean isAugmentPolicy(String policy) {
        if (policy == null || policy.isBlank() || policy.strip().equalsIgnoreCase("none")) return true;
        for (String part : policy.split(",")) {
            if (!AUGMENTATIONS.contains(part.strip().toLowerCase(java.util.Locale.ROOT))) return false;
        }
        return true;
    }

    /** The values of {@code loss} (dev.gan.step.GanLoss has one type per name). */
    public static final List<String> LOSSES = List.of("ns", "hinge", "lsgan", "wgan");

    /** The losses with a real target that label_smoothing moves. */
    static final List<String> LOSSES_WITH_TARGET = List.of("ns", "lsgan");

    /** augment_p's adaptive value, and precision's value that picks bf16 where the machine and model allow. */
    public static final String AUTO = "auto";

    public static TrainingConfig defaults() {
        return new TrainingConfig(64, 0, 5, 1, 0.0, AdamConfig.defaults(), AdamConfig.defaults(), 0, null, 500, 1,
                "none", "auto", EmaConfig.defaults(), "ns", 0.0, 16, "1.0", 0.6, 100, null, 0, "fp32", 0.0);
    }

    /** The same training section with another init_from (the checkpoint file a run directory resolves to). */
    public TrainingConfig withInitFrom(String file) {
        return new TrainingConfig(batchSize, steps, epochs, dSteps, labelSmoothing, g, d, evalEvery, evalClassifier,
                evalSamples, gSteps, augment, engine, ema, loss, r1Gamma, r1Every, augmentP, adaTarget, adaKimg, file,
                freezeD, precision, lrDecay);
    }

    /** The same training section with another precision (what precision auto picked, for config.yaml). */
    public TrainingConfig withPrecision(String value) {
        return new TrainingConfig(batchSize, steps, epochs, dSteps, labelSmoothing, g, d, evalEvery, evalClassifier,
                evalSamples, gSteps, augment, engine, ema, loss, r1Gamma, r1Every, augmentP, adaTarget, adaKimg, initFrom,
                freezeD, value, lrDecay);
    }

    /** Whether init_from names a parent run. */
    public boolean initialised() {
        return initFrom != null && !initFrom.isBlank();
    }

    /** Whether augment_p is auto (adaptive augmentation). */
    public boolean augmentAuto() {
        return augmentP != null && augmentP.strip().equalsIgnoreCase(AUTO);
    }

    /** augment_p as a fixed number, or NaN when it is auto or not a number. */
    public double augmentFixedP() {
        if (augmentP == null || augmentAuto()) return Double.NaN;
        try {
            return Double.parseDouble(augmentP.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Whether training.augment names at least one transform. */
    public boolean augmenting() {
        return augment != null && !augment.isBlank() && !augment.strip().equalsIgnoreCase("none");
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
        p.check(PRECISIONS.contains(precision), at + ".precision", "must be one of " + PRECISIONS, precision);
        if (BF16.equals(precision) && "dl4j".equals(engine)) {
            // DL4J's layers run bf16 only as whole bf16 networks, through libnd4j's generic (slow) bf16 loops
            p.add(at + ".precision", at + ".precision bf16 runs on the fast engine, and " + at + ".engine is dl4j: "
                    + "set " + at + ".engine to fast or auto (or " + at + ".precision to fp32)");
        }
        ema.validate(at + ".ema", p);
        validateObjective(at, p);
        p.check(initFrom == null || !initFrom.isBlank(), at + ".init_from",
                "must be a checkpoint file or run directory (or null for random weights)", initFrom);
        // the upper bound is D's block count, known once D is built (dev.gan.step.FrozenBlocks)
        p.check(freezeD >= 0, at + ".freeze_d", "must be >= 0 (0 = train all of D)", freezeD);
        p.check(lrDecay >= 0 && lrDecay <= 1, at + ".lr_decay", "must be between 0 and 1 (the share of the run, "
                + "at its end, over which the learning rates fall to 0; 0 = constant)", lrDecay);
        g.validate(at + ".g", p);
        d.validate(at + ".d", p);
    }

    /** Whether lr_decay lowers the learning rates at the end of the run. */
    public boolean decaying() {
        return lrDecay > 0;
    }

    /** The loss, R1 and adaptive augmentation keys. */
    private void validateObjective(String at, Problems p) {
        boolean knownLoss = LOSSES.contains(loss);
        p.check(knownLoss, at + ".loss", "must be one of " + LOSSES, loss);
        if (knownLoss && labelSmoothing > 0 && !LOSSES_WITH_TARGET.contains(loss)) {
            p.add(at + ".label_smoothing", at + ".label_smoothing moves the real target of the ns and lsgan losses; "
                    + at + ".loss " + loss + " has no target: set label_smoothing to 0 (got " + labelSmoothing + ")");
        }
        p.check(r1Gamma >= 0 && r1Gamma <= 1000, at + ".r1_gamma", "must be between 0 and 1000 (0 = no R1 penalty)",
                r1Gamma);
        p.check(r1Every >= 1 && r1Every <= 1000, at + ".r1_every",
                "must be between 1 and 1000 (1 = every D step; StyleGAN2 uses 16)", r1Every);
        double fixed = augmentFixedP();
        boolean okP = augmentAuto() || (fixed >= 0 && fixed <= 1);
        p.check(okP, at + ".augment_p", "must be auto or a number between 0 and 1", augmentP);
        if (okP && !augmenting() && (augmentAuto() || fixed != 1)) {
            p.add(at + ".augment_p", at + ".augment_p is " + augmentP.strip() + " but " + at + ".augment is none: "
                    + "name the transforms it applies, e.g. " + at + ".augment=color,translation,cutout (or remove "
                    + "augment_p)");
        }
        p.check(adaTarget > 0 && adaTarget < 1, at + ".ada_target", "must be > 0 and < 1", adaTarget);
        p.check(adaKimg > 0 && adaKimg <= 100_000, at + ".ada_kimg", "must be > 0 and <= 100000", adaKimg);
    }
}
