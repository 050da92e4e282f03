package dev.gan.step;

import dev.gan.config.TrainingConfig;

/**
 * training.augment_p: the probability with which each of DiffAugment's transforms is applied to each image D sees.
 * A number keeps it fixed (1.0, the default, is DiffAugment as published: every transform on every image). {@code
 * auto} is StyleGAN2-ADA's adaptive augmentation ({@code training/training_loop.py}): p starts at 0, the D steps
 * report r_t = E[sign(D(x_real))] - the share of reals D scores as real, minus the share it scores as fake - and
 * every {@value #INTERVAL} D steps p moves by sign(r_t - ada_target) * (images seen in the interval) / (ada_kimg *
 * 1000), clamped to [0, 1]: a D that is too sure of the reals (overfitting them) gets more augmentation.
 *
 * <p>p and the partial interval are training state: the checkpoint saves them ({@link #signSum}, {@link #count}) so
 * a resumed run continues with the exact p an uninterrupted one would have. Counting D steps (not G steps) makes the
 * speed a function of real images seen, whatever training.d_steps is.
 */
public final class AugmentProbability {
    /** D steps between adjustments: StyleGAN2-ADA's ada_interval. */
    public static final int INTERVAL = 4;

    private final boolean adaptive;
    private final double target;
    private final double kimg;
    private double p;
    private double signSum;
    private int count;

    private AugmentProbability(boolean adaptive, double p, double target, double kimg) {
        this.adaptive = adaptive;
        this.p = p;
        this.target = target;
        this.kimg = kimg;
    }

    /** A fixed probability (no adaptation). */
    public static AugmentProbability fixed(double p) {
        return new AugmentProbability(false, p, 0, 1);
    }

    /** The probability a new run starts with under {@code t}: augment_p, or 0 for auto. */
    public static AugmentProbability of(TrainingConfig t) {
        return t.augmentAuto() ? new AugmentProbability(true, 0, t.adaTarget(), t.adaKimg())
                : fixed(t.augmentFixedP());
    }

    /** The state a checkpoint saved, under the (possibly resumed) config {@code t}; a fixed p comes from {@code t}. */
    public static AugmentProbability resume(TrainingConfig t, double p, double signSum, int count) {
        AugmentProbability a = of(t);
        if (a.adaptive) {
            a.p = p;
            a.signSum = signSum;
            a.count = count;
        }
        return a;
    }

    /** The probability the next augmentation draws with. */
    public double p() {
        return p;
    }

    public boolean adaptive() {
        return adaptive;
    }

    /** Sum of the per-step mean signs since the last adjustment. */
    public double signSum() {
        return signSum;
    }

    /** D steps since the last adjustment. */
    public int count() {
        return count;
    }

    /**
     * A D step's mean sign of D's raw outputs on its (augmented) real batch of {@code batch} images; adjusts p at
     * the end of each interval. A fixed p ignores it.
     */
    public void observeReal(double meanSign, int batch) {
        if (!adaptive) return;
        signSum += meanSign;
        if (++count < INTERVAL) return;
        double rt = signSum / count;
        p = Math.min(1, Math.max(0, p + Math.signum(rt - target) * batch * (double) count / (kimg * 1000)));
        signSum = 0;
        count = 0;
    }
}
