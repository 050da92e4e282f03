package dev.gan.step;

import java.util.List;
import java.util.Locale;

/**
 * An adversarial objective (training.loss), as data: D's per-example loss on real images and on fakes, G's on
 * fakes - each a {@link LogitFunction} of D's raw output - and what the logged D(x) / D(G(z)) mean for it. Both
 * engines take the same instances, so the choice never branches inside a step (StudioGAN's {@code d_hinge} /
 * {@code g_hinge} pairs in {@code src/utils/losses.py} are the model). Losses are means over the batch.
 */
public interface GanLoss {
    /** training.loss values, in the order README lists them. */
    List<String> NAMES = dev.gan.config.TrainingConfig.LOSSES;

    /** The name training.loss spells. */
    String name();

    /** D's loss on one real image; {@code target} is 1 - label_smoothing (only ns and lsgan have a target). */
    LogitFunction real(double target);

    /** D's loss on one fake. */
    LogitFunction fake();

    /** G's loss on one fake, through D (not updated). */
    LogitFunction generator();

    /** What D(x) and D(G(z)) average per image: the probability "real" for ns, the raw output otherwise. */
    default double shown(double d) {
        return d;
    }

    /** What D(x) / D(G(z)) are, for the plot's axis and the docs. */
    String shownMeaning();

    /**
     * Whether "D(x) near 1 and D(G(z)) near 0" means G gets no gradient (the health watch's saturation rule). Only
     * the sigmoid of ns saturates; hinge, lsgan and wgan give G a gradient of size 1 however far D is ahead.
     */
    default boolean saturates() {
        return false;
    }

    /**
     * Whether D's scores have no bound of their own, so that without a Lipschitz constraint (R1, or spectral norm)
     * they can run away: the health watch warns when R1 is off. Only wgan's critic; hinge and lsgan have margins.
     */
    default boolean unbounded() {
        return false;
    }

    /** The loss a training.loss value names. */
    static GanLoss of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ns" -> new NonSaturatingLoss();
            case "hinge" -> new HingeLoss();
            case "lsgan" -> new LeastSquaresLoss();
            case "wgan" -> new WassersteinLoss();
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; known: " + NAMES);
        };
    }

    /**
     * A batch of D's outputs scored with {@code f}: the mean loss, the mean of {@code loss.shown}, the mean sign of
     * the outputs (adaptive augmentation's r_t), and the per-example derivatives - the minibatch-sum gradient that
     * DL4J's output layers pass back (the updater divides by the batch size).
     */
    static Scored score(double[] d, LogitFunction f, GanLoss loss) {
        double[] derivative = new double[d.length];
        double value = 0, shown = 0, sign = 0;
        for (int i = 0; i < d.length; i++) {
            value += f.value(d[i]);
            shown += loss.shown(d[i]);
            sign += Math.signum(d[i]);
            derivative[i] = f.derivative(d[i]);
        }
        return new Scored(value / d.length, shown / d.length, sign / d.length, derivative);
    }

    /**
     * @param loss       the batch's mean loss
     * @param shown      the batch's mean D(x) or D(G(z)) as {@link #shown} defines it
     * @param meanSign   mean of sign(d) over the batch
     * @param derivative dLoss_i/dd_i per example
     */
    record Scored(double loss, double shown, double meanSign, double[] derivative) {
    }
}
