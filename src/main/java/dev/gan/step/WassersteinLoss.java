package dev.gan.step;

/**
 * wgan (Arjovsky et al. 2017; StudioGAN {@code d_wasserstein}/{@code g_wasserstein}): D is a critic without a
 * sigmoid, its loss -d(x) + d(G(z)); G's loss -d(G(z)). The critic's outputs are unbounded, so it needs a Lipschitz
 * constraint - R1 (training.r1_gamma) or spectral normalisation - or they run away. D(x) and D(G(z)) are the
 * critic's mean scores; their difference estimates the Wasserstein distance (up to the Lipschitz constant).
 */
public final class WassersteinLoss extends LossFormulas {
    /** -d: the critic's loss on reals, and G's loss here and in {@link HingeLoss}. */
    static final LogitFunction NEGATED = new LogitFunction() {
        @Override
        public double value(double d) {
            return -d;
        }

        @Override
        public double derivative(double d) {
            return -1;
        }
    };

    public WassersteinLoss() {
        super("wgan", "mean critic score", target -> NEGATED, LogitFunction.SUM, NEGATED);
    }

    @Override
    public boolean unbounded() {
        return true;
    }
}
