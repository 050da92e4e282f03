package dev.gan.step;

/**
 * lsgan (Mao et al. 2017; StudioGAN {@code d_ls}/{@code g_ls}): D regresses reals to 1 (1 - label_smoothing) and
 * fakes to 0, ((d(x) - 1)^2 + d(G(z))^2) / 2; G pulls its fakes' score to 1, (d(G(z)) - 1)^2 / 2. D(x) and D(G(z))
 * are D's mean raw outputs, which a balanced game keeps between the targets 0 and 1.
 */
public final class LeastSquaresLoss extends LossFormulas {
    private static final Squared FAKE = new Squared(0), GENERATOR = new Squared(1);

    /** (d - target)^2 / 2; derivative d - target. */
    private record Squared(double target) implements LogitFunction {
        @Override
        public double value(double d) {
            return (d - target) * (d - target) / 2;
        }

        @Override
        public double derivative(double d) {
            return d - target;
        }
    }

    public LeastSquaresLoss() {
        super("lsgan", "mean raw output (targets: 1 real, 0 fake)", Squared::new, FAKE, GENERATOR);
    }
}
