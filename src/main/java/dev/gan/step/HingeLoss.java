package dev.gan.step;

/**
 * hinge (SNGAN, BigGAN; StudioGAN {@code d_hinge}/{@code g_hinge}): D's loss relu(1 - d(x)) + relu(1 + d(G(z))),
 * so D stops pushing once a real scores above 1 and a fake below -1; G's loss -d(G(z)). D(x) and D(G(z)) are D's
 * mean raw scores: a D that separates the two by the margin shows D(x) >= 1 and D(G(z)) <= -1.
 */
public final class HingeLoss extends LossFormulas {
    private static final LogitFunction REAL = new LogitFunction() {
        @Override
        public double value(double d) {
            return Math.max(0, 1 - d);
        }

        @Override
        public double derivative(double d) {
            return d < 1 ? -1 : 0;
        }
    };
    private static final LogitFunction FAKE = new LogitFunction() {
        @Override
        public double value(double d) {
            return Math.max(0, 1 + d);
        }

        @Override
        public double derivative(double d) {
            return d > -1 ? 1 : 0;
        }
    };

    public HingeLoss() {
        super("hinge", "mean raw score", target -> REAL, FAKE, WassersteinLoss.NEGATED);
    }
}
