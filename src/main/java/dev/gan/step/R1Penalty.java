package dev.gan.step;

import dev.gan.config.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The R1 gradient penalty (Mescheder et al. 2018) as the D step's regularisation phase (StyleGAN2-ADA's {@code
 * Dreg}): P = gamma/2 * mean_i ||grad_x D(x_i)||^2 on the real images D sees. Lazy (StyleGAN2): the phase runs on
 * every {@code r1_every}-th D step only, with P scaled by that interval, so its expected gradient is unchanged.
 *
 * <p>DL4J has no double backward, so grad_theta P comes from first-order passes: with g = grad_x S, S = sum_i D(x_i)
 * (one backward from dS/dD = 1), grad_theta ||g||^2 / 2 = H_theta,x g, the derivative of grad_theta S along g, taken
 * as the central difference (grad_theta S(x + e g) - grad_theta S(x - e g)) / (2e) with every LeakyReLU of D frozen
 * at the mask it had at x. D without BatchNorm is piecewise linear in x, and frozen it is the linear piece around x:
 * there grad_theta S is affine in x, so the difference is exact for any e, up to float rounding - and the H g it
 * gives is what a double backward gives (which also treats a ReLU's second derivative as 0). Unfrozen, a unit whose
 * kink lies between x - e g and x + e g makes D's backward signal jump, and the difference is off by jump / 2e:
 * measured 6x the true gradient at e = 1e-3 on a 363-parameter D. e scales g to move the largest pixel by
 * {@link #MAX_STEP}, a step of the size of the data, far from float32's rounding. R1PenaltyTest holds the result to a
 * double-precision finite difference of P itself.
 *
 * <p>The phase's gradient joins the D step's before D's one Adam update (StyleGAN2-ADA runs Dreg as an Adam step of
 * its own, with learning rate and betas rescaled for it): one update per D step keeps r1_every = 1 the textbook
 * loss L_D + P, and D's iteration count a count of D steps.
 */
public final class R1Penalty {
    /** The largest change of any pixel in the finite difference (pixels are in [-1, 1]). */
    public static final double MAX_STEP = 1.0;

    private final double gamma;
    private final int every;

    public R1Penalty(double gamma, int every) {
        this.gamma = gamma;
        this.every = every;
    }

    /** The penalty training.r1_gamma / r1_every ask for, or null when r1_gamma is 0. */
    public static R1Penalty of(TrainingConfig t) {
        return t.r1Gamma() > 0 ? new R1Penalty(t.r1Gamma(), t.r1Every()) : null;
    }

    /** Whether the D update after {@code dUpdates} earlier ones runs the phase (the first one does). */
    public boolean due(long dUpdates) {
        return dUpdates % every == 0;
    }

    /** The finite-difference step e for g = grad_x S: no pixel moves by more than MAX_STEP; 0 when g is 0. */
    public static double epsilon(INDArray g) {
        double max = g.amaxNumber().doubleValue();
        return max > 0 ? MAX_STEP / max : 0;
    }

    /**
     * Adds the phase's minibatch-sum parameter gradient, B * grad_theta (every * P) = every * gamma * H g, to {@code
     * sum} (a D step's summed gradient; D's updater divides by B): {@code plus} and {@code minus} are
     * grad_theta S at x + e g and x - e g.
     */
    public void accumulate(INDArray sum, INDArray plus, INDArray minus, double e) {
        sum.addi(plus.sub(minus).muli(every * gamma / (2 * e)));
    }

    /** The penalty's value gamma/2 * mean_i ||g_i||^2 for g = grad_x S of a batch of {@code batch} images. */
    public double value(INDArray g, int batch) {
        double n = g.norm2Number().doubleValue();
        return gamma / 2 * n * n / batch;
    }
}
